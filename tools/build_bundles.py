"""Build the bundled programmes from the fact tables the project carries.

Reads ``facts/*.csv`` (or the folder given as the first argument) and the registry
packages ``gb2260`` (GB/T 2260 codes by year) and ``cpca`` (coordinates), and writes
``hubei-2020``, ``wenchuan-2008``, ``wenchuan-2008-emergency`` and ``eastwest-2016`` into
``src/pairaid/scenarios/bundles/`` in the format of ``docs/scenario-format.md``.

Facts only: a figure the facts do not give is left out, never filled in. Run it again after the
facts change; it rewrites the four bundle folders completely.

    .venv/bin/python tools/build_bundles.py [FACTS_DIR]
"""

from __future__ import annotations

import csv
import importlib.metadata
import importlib.resources
import json
import shutil
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from gb2260.data import data as gb2260_data

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FACTS_DIR = REPO_ROOT / "facts"
BUNDLES_DIR = REPO_ROOT / "src" / "pairaid" / "scenarios" / "bundles"

# Each bundle's data version: raised when its data change (2026.12.1: Hubei's daily series).
DATA_VERSIONS = {
    "hubei-2020": "2026.12.1",
    "wenchuan-2008": "2026.12.2",  # 2026.12.2: the link to its emergency phase
    "wenchuan-2008-emergency": "2026.12.1",
    "eastwest-2016": "2026.12.1",
}
COUNTRY = "CN"
CODES_YEAR_WENCHUAN = 2008
# The packages the sources below describe; a different installed version would make them false.
PINNED_PACKAGES = {"cpca": "0.5.5", "GB2260": "0.4.1"}

LEVEL_ORDER = ("country", "province", "prefecture", "county", "area")

# The tables of docs/scenario-format.md and their columns, in the order written.
COLUMNS = {
    "sources.csv": ["key", "issuer", "title", "date", "url", "kind", "method"],
    "regions.csv": [
        "country", "code", "parent", "level", "name_zh", "name_en", "name_en_certainty",
        "latitude", "longitude", "coordinates_source", "source", "certainty",
    ],
    "region_renames.csv": ["region", "new_code", "new_name_zh", "new_name_en", "date", "source"],
    "indicators.csv": ["region", "indicator", "value", "as_of", "source", "certainty"],
    "participants.csv": ["region", "role", "note"],
    "capacities.csv": ["region", "resource_type", "quantity", "as_of", "source", "certainty"],
    "pairings.csv": [
        "donor", "recipient", "status", "valid_from", "valid_to", "origin", "rationale",
        "source", "certainty",
    ],
    "allocations.csv": [
        "donor", "recipient", "resource_type", "quantity", "date", "source", "certainty",
    ],
    "case_counts.csv": [
        "region", "as_of", "confirmed_cases", "cured", "deaths", "source", "certainty",
    ],
    "care_ratios.csv": ["bed_type", "doctors_per_bed", "nurses_per_bed", "counts", "source"],
}  # fmt: skip
REQUIRED_TABLES = {"sources.csv", "regions.csv", "participants.csv"}

# County-level units directly under Hubei province (DESIGN.md §2).
HUBEI_DIRECT_COUNTIES = {"429004", "429005", "429006", "429021"}

# The facts name a few units informally; the code list names them officially.
OFFICIAL_NAME_ZH = {"北川县": "北川羌族自治县"}

# English names the facts do not give: transliterated (pinyin), marked derived.
DERIVED_NAME_EN = {
    "510100": "Chengdu",
    "510600": "Deyang",
    "510700": "Mianyang",
    "510800": "Guangyuan",
    "511800": "Ya'an",
    "513200": "Aba Tibetan and Qiang Autonomous Prefecture",
    "621200": "Longnan",
    "623000": "Gannan Tibetan Autonomous Prefecture",
    "510115": "Wenjiang District",
    "510124": "Pi County",
    "510129": "Dayi County",
    "511827": "Baoxing County",
    # East–West cooperation (2016): donor cities and recipient prefectures.
    "130600": "Baoding",
    "130700": "Zhangjiakou",
    "130800": "Chengde",
    "210200": "Dalian",
    "222400": "Yanbian Korean Autonomous Prefecture",
    "320500": "Suzhou",
    "330100": "Hangzhou",
    "330200": "Ningbo",
    "350200": "Xiamen",
    "370200": "Qingdao",
    "440600": "Foshan",
    "441900": "Dongguan",
    "442000": "Zhongshan",
    "513400": "Liangshan Yi Autonomous Prefecture",
    "520200": "Liupanshui",
    "520300": "Zunyi",
    "520600": "Tongren",
    "522300": "Qianxinan Buyei and Miao Autonomous Prefecture",
    "522600": "Qiandongnan Miao and Dong Autonomous Prefecture",
    "530600": "Zhaotong",
    "622900": "Linxia Hui Autonomous Prefecture",
    "630100": "Xining",
    "630200": "Haidong",
}


@dataclass(frozen=True)
class Rename:
    """A code or name change after 2008 of a region the Wenchuan programmes name."""

    old_code: str
    new_code: str
    new_name_zh: str
    new_name_en: str
    date: str
    source: str


# Renames since 2008 of the Wenchuan recipients; `check_codes_against_cpca` fails on any other
# code that cpca (codes of mixed dates) no longer knows, so an unrecorded rename cannot slip by.
RENAMES = (
    Rename("510724", "510705", "安州区", "Anzhou District", "2016-04-23", "scgov-anzhou-2016"),
    Rename("510124", "510117", "郫都区", "Pidu District", "2016-12-05", "scgov-pidu-2016"),
)

# The daily series' pseudo-regions: the dataset's own codes (4200y1, 4200c7; none for the
# prisons) are no official codes, so each is a code-less area under Hubei (DESIGN.md §2).
HUBEI_SERIES_AREAS = {
    "4200y1": ("境外输入", "Imported from abroad"),
    "4200c7": ("未公布来源", "Source not published"),
    "": ("监狱系统", "Prison system"),
}
HUBEI_SERIES_SOURCE = "hubei-hc-daily-2020"

# Medical staff sent in, where the aid timeline dates them: (date, region, indicator, figure,
# source). The figures are read from the timeline's text, which the build checks contains each.
OUTSIDE_WUHAN = ("武汉以外16个市州及县级市", "Hubei outside Wuhan")
HUBEI_AID_STAFF = (
    ("2020-02-12", "420000", "aid_staff", "21,569", "staff-2020-02-12"),
    ("2020-02-12", "outside", "aid_staff_arrivals", "2,897", "staff-2020-02-12"),
    ("2020-02-12", "outside", "aid_doctor_arrivals", "1,003", "staff-2020-02-12"),
    ("2020-02-12", "outside", "aid_nurse_arrivals", "1,681", "staff-2020-02-12"),
    ("2020-02-12", "outside", "aid_other_staff_arrivals", "213", "staff-2020-02-12"),
    ("2020-02-14", "420000", "aid_staff", "25,633", "staff-2020-02-14"),
    ("2020-02-14", "420100", "aid_staff", "20,374", "staff-2020-02-14"),
    ("2020-02-14", "outside", "aid_staff", "5,259", "staff-2020-02-14"),
)

# The ICU care ratios (staff per bed), entered from the source below: no fact table holds them.
HUBEI_CARE_RATIOS = [
    {"bed_type": bed_type, "doctors_per_bed": "0.8", "nurses_per_bed": "3", "counts": "headcount",
     "source": "nhc-icu-opinion-2024"}
    for bed_type in ("icu", "icu_ventilated")
]  # fmt: skip

PAIRING_RATIONALE_2008 = (
    "State Council reconstruction pairing of 2008-06-11: in-kind aid each year of at least 1 % "
    "of the donor's previous-year local fiscal revenue, for 3 years (2008-2010)"
)
EMERGENCY_RATIONALE = (
    "Ministry of Civil Affairs emergency pairing of 2008-05-23: emergency relief and temporary "
    "resettlement; superseded by the reconstruction pairing of 2008-06-11"
)

# The aid figures of facts/wenchuan2008_aid_totals.csv that count aid a donor delivered along its
# pairing (investment completed, funds invested, disbursed or in place, physical work done), by
# donor and figure, with the date each cumulative figure refers to. A figure its source calls a
# three-year total is dated at the programme's end; one dated earlier is what had been delivered
# by then, so the contribution rule reads it as a lower bound. Left out (docs/data-sources.md):
# plans and agreements, commitments, subsets of a pairing (a town, a batch), programme
# aggregates, a total of uncertain kind (Guangdong's 82, Jilin's 12.97: planned or spent is not
# said) and Jiangxi's "more than 13", a lower bound the source calls the three-year total.
WENCHUAN_AID_DELIVERED = {
    ("Shandong", "100"): "2010-09-26",
    ("Guangdong", "16.3"): "2009-04-30",
    ("Zhejiang", "9.6"): "2009-05-10",
    ("Beijing", "70"): "2010-12-31",
    ("Hebei", "28"): "2010-10-15",
    ("Henan", "30.02"): "2010-11-02",
    ("Shanxi", "16.94"): "2010-04-30",
    ("Anhui", "21.3"): "2011-05-06",
    ("Heilongjiang", "15.5"): "2010-12-31",
    ("Tianjin", "35.84"): "2010-12-31",
}
HUNDRED_MILLION = Decimal(100_000_000)


# --- sources -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    key: str
    issuer: str
    title: str
    date: str = ""
    url: str = ""
    kind: str = "document"
    method: str = ""


def package_source(key: str, distribution: str, what: str) -> Source:
    """A registry package as a source: name, version and licence read from its metadata."""
    metadata = importlib.metadata.metadata(distribution)
    name, version = metadata["Name"], metadata["Version"]
    if version != PINNED_PACKAGES[distribution]:
        raise SystemExit(
            f"{name} {version} installed, sources describe {PINNED_PACKAGES[distribution]}"
        )
    return Source(
        key=key,
        issuer=f"{name} authors ({metadata['Home-page']})",
        title=f"{name} {version}, {metadata['License']} licence: {what}",
        url=f"pypi:{name.lower()}=={version}",
        kind="package",
    )


def fact_row_source(key: str, text: str, what: str) -> Source:
    """The source a fact row names, written "issuer, document …; read at address", with what
    the row's figure is (its quote), so each figure's source says exactly what it counts."""
    document, _, address = text.partition("; read at ")
    issuer, _, title = document.partition(", ")
    page = address.split(" ")[0].rstrip(",;")
    return Source(
        key, issuer, f"{title}; {what}" if title else what, url=f"http://{page}" if page else ""
    )


def all_sources() -> dict[str, Source]:
    hubei_cases = (
        "Hubei Provincial Health Commission, daily bulletins (per city), compiled in the public "
        "dataset canghailan/Wuhan-2019-nCoV (its city rows lag one day from 2020-02-07 and were "
        "re-aligned); checked against the bulletins of 2020-02-02, 02-10, 03-02 and 03-10 "
        "(the 03-31 and 04-30 figures were not checked against a bulletin)"
    )
    sources = [
        Source(
            "iso-3166-1",
            "International Organization for Standardization",
            "ISO 3166-1 country codes: CN, China",
            url="https://www.iso.org/obp/ui/#iso:code:3166:CN",
        ),
        Source(
            "mca-gb2260",
            "Ministry of Civil Affairs",
            "Administrative division codes of the PRC (GB/T 2260): provincial codes, and the "
            "codes of Hubei's cities as given in the facts of the 2020 pairing",
        ),
        package_source(
            "gb2260-0.4.1",
            "GB2260",
            "GB/T 2260 administrative division codes and names by revision year (2008 used for "
            "Wenchuan; the package's latest revision for the East–West pairing of 2016)",
        ),
        package_source(
            "cpca-0.5.5",
            "cpca",
            "resources/adcodes.csv, region codes of mixed dates with longitude and latitude",
        ),
        package_source(
            "cpca-0.5.5-successor",
            "cpca",
            "resources/adcodes.csv; coordinates of the successor's entry for a region renamed "
            "after the programme (安县 510724: coordinates of 安州区 510705, which took over its "
            "whole territory in 2016; see region_renames.csv)",
        ),
        Source(
            "nhc-pairing-2020-02-10",
            "National Health Commission",
            "Announcement of the pairing of 19 provinces with 16 cities of Hubei outside Wuhan "
            "(原有关系不变、应补尽补); text read as quoted at lotmg.com and at "
            "m.jiusongjiankang.com/health/know/5911421.html",
            "2020-02-10",
            "https://lotmg.com/a/shi-shi-re-ci-dui-kou-zhi-yuan-yong-ying-yu-zen-yao-shuo.html",
        ),
        Source(
            "cctv-staff-2020-03-16",
            "CCTV Xinwen Lianbo",
            "Staff sent by each of the 19 donor provinces to their paired places in Hubei "
            "(sum 7,405). Note: Hunan's own report of 2020-03-22 gives 619 for Hunan where this "
            "report gives 609 (source hunan-voc-2020-03-22)",
            "2020-03-16",
            "https://news.163.com/20/0316/09/F7R4RDGD000189FH.html",
        ),
        Source(
            "hunan-voc-2020-03-22",
            "华声在线 (hunan.voc.com.cn)",
            "Hunan team returns from Huanggang: Hunan sent 5 batches / 619 staff to Huanggang "
            "since 2020-01-25 (CCTV of 2020-03-16 gives 609 for Hunan)",
            "2020-03-22",
            "https://hunan.voc.com.cn/article/202003/202003221634509521.html",
        ),
        Source(
            "hubei-hc-city-cases",
            "Hubei Provincial Health Commission",
            hubei_cases,
            url="https://github.com/canghailan/Wuhan-2019-nCoV",
            kind="dataset",
        ),
        Source(
            "hubei-hc-province-cases",
            "Hubei Provincial Health Commission",
            "Daily bulletins (provincial totals), compiled in the public dataset "
            "canghailan/Wuhan-2019-nCoV; the total of 2020-02-10 equals the sum of the city "
            "figures checked against that day's bulletin",
            url="https://github.com/canghailan/Wuhan-2019-nCoV",
            kind="dataset",
        ),
        Source(
            HUBEI_SERIES_SOURCE,
            "Hubei Provincial Health Commission",
            "Daily bulletins of 2020-01-24 to 2020-04-30: cumulative confirmed, cured and dead "
            "per city and the provincial totals, as compiled in the public dataset "
            "canghailan/Wuhan-2019-nCoV (MIT licence). The dataset's city rows lag the bulletin "
            "by one day from 2020-02-07; PairAid's facts re-align them to the bulletin's as-of "
            "date. Not checked against the bulletins row by row (uncertain); the figures of "
            "2020-02-10, checked, are the rows of hubei-hc-city-cases. Its quirks are kept as "
            "published: pseudo-regions, days a city is missing, dates where the cities do not "
            "sum to the province, falling cumulative counts, and clinically diagnosed cases "
            "counted from 2020-02-12 (docs/hubei-2020.md)",
            url="https://github.com/canghailan/Wuhan-2019-nCoV",
            kind="dataset",
        ),
        Source(
            "staff-2020-02-12",
            "Chongqing Morning Post (cqcb.com); Shanghai Daily",
            "Medical staff sent to Hubei: cumulative 189 teams / 21,569 staff; that day 17 "
            "provinces sent 2,897 staff (1,003 doctors, 1,681 nurses, 213 other experts) to the "
            "16 cities outside Wuhan; 2,600 military medics to Wuhan. Also read at "
            "https://archive.shine.cn/nation/More-than-21000-medics-sent-to-Hubei-in-frontline-"
            "virus-battle/shdaily.shtml",
            "2020-02-13",
            "https://cqcb.com/headline/2020-02-13/2172703_pc.html",
        ),
        Source(
            "staff-2020-02-14",
            "Xinhua",
            "Medical staff in Hubei as of 2020-02-14 24:00, military excluded: 217 teams / 25,633 "
            "staff; Wuhan 181 teams / 20,374; the other cities 36 teams / 5,259. Read at "
            "https://ttnews.xyz/a/5e47c7f6dc9b5e69191bd484?lang=zh-hans and at a mirror of the "
            "Xinhua page",
            "2020-02-15",
            "http://m.zhengfangui123.com/english/2020-02/15/c_138786184.htm",
        ),
        Source(
            "nhc-icu-opinion-2024",
            "National Health Commission and seven departments (国家卫生健康委等8部门)",
            "《关于加强重症医学医疗服务能力建设的意见》 (2024-04-01, published 2024-05-06), as "
            "reported by Securities Times: general ICUs of the relevant medical institutions to "
            "reach beds : doctors 1 : 0.8 and beds : nurses 1 : 3 by the end of 2025, i.e. 0.8 "
            "doctors and 3 nurses per ICU bed as establishment headcounts. A target, not a 2020 "
            "figure; the Ministry of Health's 2009 重症医学科建设与管理指南（试行） is quoted "
            "elsewhere with the same two ratios as minimums, but its own text was not found",
            "2024-05-06",
            "https://mhcm.net/cms/show-149078.html",
        ),
        Source(
            "nbs-population-2019",
            "National Bureau of Statistics",
            "Resident population at end-2019 by province (10k persons); read as reproduced at "
            "qimoqi888.com",
            url="http://www.qimoqi888.com/a/xinwendongtai/330.html",
        ),
        Source(
            "tianjin-bulletin-2019",
            "Tianjin Municipal Bureau of Statistics",
            "Tianjin statistical bulletin 2019, resident population at end-2019, as reported by "
            "The Paper",
            url="http://yybnet.net/news/china/202003/10284935.html",
        ),
        Source(
            "nbs-gdp-2019",
            "National Bureau of Statistics",
            "Preliminary 2019 provincial GDP (CNY 100 million); read as reproduced in public "
            "chart datasets that agree with each other; not checked against the Statistical "
            "Yearbook (uncertain)",
        ),
        Source(
            "wuhan-bulletin-2019",
            "Wuhan Municipal Bureau of Statistics",
            "Wuhan 2019 statistical bulletin: end-2019 resident population 1121.20万, as quoted "
            "at wap.wuhanx.com",
            url="http://wap.wuhanx.com/life/37865.html",
        ),
        Source(
            "citypopulation-hubei-2019",
            "citypopulation.de",
            "China: Hubei, administrative divisions; population estimates for 2019-12-31",
            url="https://www.citypopulation.de/en/china/hubei/admin/",
            kind="dataset",
        ),
        Source(
            "jingmen-population-2019",
            "Baidu Baike, as quoted by slackerblud.com",
            "Jingmen end-2019 population (tertiary source; uncertain)",
            url="http://slackerblud.com/APPdevelopment/amsukytzpu.html",
        ),
        Source(
            "sc-reconstruction-plan-2008",
            "State Council General Office",
            "汶川地震灾后恢复重建对口支援方案 (counterpart support plan for the Wenchuan "
            "earthquake recovery and reconstruction); English list as published by "
            "china.org.cn, read at a mirror (formacion-profesional-a-distancia.com/china/"
            "earthquake_reconstruction/2010-01/25/content_19312096.htm)",
            "2008-06-11",
            "http://jixi.dbw.cn/system/2008/06/19/051326683.shtml",
        ),
        Source(
            "mca-emergency-pairing-2008-05-23",
            "Ministry of Civil Affairs",
            "Emergency notice pairing provinces with hard-hit counties, as reported by Xinhua",
            "2008-05-23",
            "http://www.gov.cn/jrzg/2008-05/23/content_990443.htm",
        ),
        Source(
            "scgov-anzhou-2016",
            "Sichuan Provincial People's Government",
            "关于同意撤销安县设立绵阳市安州区的批复 (川府函〔2016〕78号): with the State "
            "Council's approval, 安县 is abolished and 绵阳市安州区 set up on its territory",
            "2016-04-23",
            "http://www.mianyangzx.com/myxw/9412.html",
        ),
        Source(
            "scgov-pidu-2016",
            "Sichuan Provincial People's Government",
            "关于同意撤销郫县设立成都市郫都区的批复 (川府函〔2016〕238号): with the State "
            "Council's approval, 郫县 is abolished and 成都市郫都区 set up on its territory",
            "2016-12-05",
            "http://news.chengdu.cn/2016/1207/1837117.shtml",
        ),
    ]
    sources += eastwest_sources()
    return {source.key: source for source in sources}


def eastwest_sources() -> list[Source]:
    """The East–West pairing of 2016: the official list as Xinhua reported it, and the reports
    that name a pair the excerpt of the list read does not reach (docs/data-sources.md)."""
    return [
        Source(
            "xinhua-eastwest-2016-12-07",
            "General Office of the CPC Central Committee and General Office of the State "
            "Council (中共中央办公厅、国务院办公厅)",
            "《关于进一步加强东西部扶贫协作工作的指导意见》, its pairing list "
            "(调整后的东西部扶贫协作结对关系), as reported by Xinhua (Beijing, 2016-12-07) and "
            "printed by 宁波日报 on 2016-12-08, page A16. The excerpt read ends in the list at "
            "'宁波市帮扶吉林省延边朝鲜族自治州、贵州省黔西南'; the rest of the list was not read",
            "2016-12-07",
            "http://daily.cnnb.com.cn/nbrb/html/2016-12/08/content_1015203.htm",
        ),
        Source(
            "scio-eastwest-2016-12-08",
            "State Council Leading Group Office of Poverty Alleviation and Development "
            "(国务院扶贫办), press conference of the State Council Information Office",
            "The adjustment keeps the original pairings (东西原有体制不变、对口帮扶原有结对关系"
            "不变), adds help for the poorest prefectures (all 30 autonomous prefectures), and "
            "pairs 9 eastern provinces and 13 cities with 10 western provinces; as reported by "
            "人民日报 on 2016-12-09 (reproduced at shenduxp.com)",
            "2016-12-08",
            "http://www.shenduxp.com/2016-12/09/content_18814933.htm",
        ),
        Source(
            "scio-whitepaper-2011",
            "State Council Information Office",
            "White paper on China's rural poverty alleviation and development (2011), table 2: "
            "the East–West pairings of 2001-2010, and the adjustment of June 2010 (Shandong to "
            "Chongqing, Xiamen to Linxia, Zhuhai to Liangshan); read in the Japanese edition "
            "published by china.org.cn on 2011-12-19",
            "2011-12-19",
            "http://japanese.china.org.cn/business/txt/2011-12/19/content_24191405_15.htm",
        ),
        Source(
            "gmw-fujian-ningxia-2015",
            "光明日报 (reporter 李慧)",
            "Fujian and Ningxia paired for poverty alleviation since 1996 (1996年，福建、宁夏两省区"
            "建立对口扶贫协作关系)",
            "2015-11-28",
            "http://epaper.gmw.cn/gmrb/html/2015-11/28/nw.D110000gmrb_20151128_2-01.htm",
        ),
        Source(
            "gscn-xiamen-linxia-2016",
            "中国甘肃网, reporting 临夏民族日报 (reporter 马海山)",
            "Xiamen paired with Linxia by the State Council Leading Group Office in 2010 "
            "(自2010年国务院扶贫办确定厦门与临夏两地建立东西协作关系以来)",
            "2016-06-17",
            "http://gansu.gscn.com.cn/system/2016/06/17/011407233.shtml",
        ),
        Source(
            "gansu-daily-qingdao-longnan-2017",
            "甘肃日报 (reporter 周者军), as reproduced at lfbxx.com",
            "Qingdao paired with Longnan by the central government in October 2016 "
            "(自去年10月中央确定青岛市结对帮扶陇南市以来)",
            "2017-08-10",
            "http://www.lfbxx.com/html/1326/2017-08-10/content-177087.html",
        ),
        Source(
            "sc-foshan-liangshan-2021",
            "川观新闻 (reporters 王眉灵, 罗之飏), on sc.china.com.cn",
            "Foshan helped Liangshan from 2016 (2016年，佛山市对口帮扶凉山州) until the new "
            "stage's adjustment of the pairings (新阶段…佛山不再对口帮扶凉山)",
            "2021-05-18",
            "http://sc.china.com.cn/2021/toutiao_0518/405863.html",
        ),
        Source(
            "zhongshan-zhaotong",
            "Zhongshan municipal news report, as reproduced at zzkailai.com (undated)",
            "Zhongshan, with Dongguan, helps Zhaotong's 10 counties and 1 district under the "
            "provincial arrangement (依据省委、省政府工作安排，中山联合东莞对口帮扶云南昭通市"
            "10县1区); a tertiary reproduction",
            url="http://www.zzkailai.com/newdetail-261548.html",
        ),
    ]


# --- regions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    code: str
    parent: str
    level: str
    name_zh: str
    name_en: str
    name_en_certainty: str
    latitude: str
    longitude: str
    coordinates_source: str
    source: str
    certainty: str = "verified"

    @property
    def reference(self) -> str:
        return self.code or f"{self.parent}/{self.name_en}"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def read_cpca() -> dict[str, tuple[str, str, str]]:
    """cpca's entries by 6-digit code: (name, latitude, longitude)."""
    resource = importlib.resources.files("cpca") / "resources" / "adcodes.csv"
    with resource.open("r", encoding="utf-8") as handle:
        return {
            row["adcode"][:6]: (row["name"], row["latitude"].strip(), row["longitude"].strip())
            for row in csv.DictReader(handle)
        }


def gb2260_code(name_zh: str, province_code: str, year: int | None) -> str:
    """The code of a unit of a province, by its name in the code list of `year`."""
    official = OFFICIAL_NAME_ZH.get(name_zh, name_zh)
    codes = [
        str(code)
        for code, name in gb2260_data[year].items()
        if name == official and str(code)[:2] == province_code[:2]
    ]
    if len(codes) != 1:
        raise SystemExit(f"gb2260 {year}: {official} in {province_code}: {codes or 'no code'}")
    return codes[0]


class RegionCatalogue:
    """Every region the bundles name, built once so shared regions agree everywhere."""

    def __init__(self, facts: Path) -> None:
        self.cpca = read_cpca()
        self.regions: dict[str, Region] = {}
        self.successor_coordinates = {rename.old_code: rename.new_code for rename in RENAMES}
        self.regions["CN"] = Region(
            code="CN", parent="", level="country", name_zh="中国", name_en="China",
            name_en_certainty="verified", latitude="", longitude="", coordinates_source="",
            source="iso-3166-1",
        )  # fmt: skip
        for row in read_csv(facts / "province_codes.csv"):
            self._add_coded(row["code"], "CN", "province", row["name_zh"], row["name_en"])

    def _coordinates(self, code: str) -> tuple[str, str, str]:
        """cpca's coordinates of the code; for a renamed region cpca no longer lists (its codes
        are of mixed dates: 郫县 is still there, 安县 is not), those of its successor."""
        if code in self.cpca:
            _, latitude, longitude = self.cpca[code]
            return latitude, longitude, "cpca-0.5.5"
        if code in self.successor_coordinates:
            _, latitude, longitude = self.cpca[self.successor_coordinates[code]]
            return latitude, longitude, "cpca-0.5.5-successor"
        return "", "", ""

    def _add_coded(
        self,
        code: str,
        parent: str,
        level: str,
        name_zh: str,
        name_en: str,
        *,
        source: str = "mca-gb2260",
    ) -> Region:
        name_en_certainty = "verified"
        if not name_en:
            name_en, name_en_certainty = DERIVED_NAME_EN[code], "derived"
        latitude, longitude, coordinates_source = self._coordinates(code)
        region = Region(
            code=code,
            parent=parent,
            level=level,
            name_zh=name_zh,
            name_en=name_en,
            name_en_certainty=name_en_certainty,
            latitude=latitude,
            longitude=longitude,
            coordinates_source=coordinates_source,
            source=source,
        )
        known = self.regions.setdefault(code, region)
        if known != region:
            raise SystemExit(f"region {code} described two ways:\n  {known}\n  {region}")
        return region

    def province(self, code: str) -> Region:
        return self.regions[code]

    def province_by_name_en(self, name_en: str) -> Region:
        matches = [r for r in self.regions.values() if r.level == "province"]
        return next(r for r in matches if r.name_en == name_en)

    def province_by_short_zh(self, short_zh: str) -> Region:
        """A province by the short name the 2008 notice uses (上海, 内蒙古)."""
        matches = [
            r
            for r in self.regions.values()
            if r.level == "province" and r.name_zh[:2] == short_zh[:2]
        ]
        if len(matches) != 1 or not matches[0].name_zh.startswith(short_zh):
            raise SystemExit(f"province {short_zh}: {matches}")
        return matches[0]

    def province_by_name_zh(self, name_zh: str) -> Region:
        matches = [r for r in self.regions.values() if r.level == "province"]
        return next(r for r in matches if r.name_zh == name_zh)

    def current_prefecture(self, name_zh: str, province: Region) -> Region:
        """A prefecture under its code in gb2260's latest revision (no code of these has changed
        since); one another bundle already describes is taken as it is there (恩施, 陇南)."""
        code = gb2260_code(name_zh, province.code, None)
        cpca_name = self.cpca.get(code, ("",))[0]
        if cpca_name != name_zh:
            raise SystemExit(f"{code} {name_zh}: cpca says {cpca_name or 'nothing'}")
        if code in self.regions:
            return self.regions[code]
        return self._add_coded(
            code, province.code, "prefecture", name_zh, "", source="gb2260-0.4.1"
        )

    def hubei_city(self, code: str, name_zh: str, name_en: str) -> Region:
        """A place in Hubei under its 2020 code (from the facts) and the facts' names."""
        cpca_name = self.cpca[code][0]
        if cpca_name != name_zh:
            raise SystemExit(f"{code}: facts say {name_zh}, cpca {cpca_name}")
        level = "county" if code in HUBEI_DIRECT_COUNTIES else "prefecture"
        return self._add_coded(code, "420000", level, name_zh, name_en)

    def unit_2008(self, name_zh: str, province_code: str, name_en: str = "") -> Region:
        """A prefecture or county under its 2008 code and name, with its prefecture parent."""
        code = gb2260_code(name_zh, province_code, CODES_YEAR_WENCHUAN)
        names = gb2260_data[CODES_YEAR_WENCHUAN]
        if code.endswith("00"):
            parent, level = province_code, "prefecture"
        else:
            prefecture = code[:4] + "00"
            self._add_coded(
                prefecture,
                province_code,
                "prefecture",
                names[int(prefecture)],
                "",
                source="gb2260-0.4.1",
            )
            parent, level = prefecture, "county"
        return self._add_coded(
            code, parent, level, names[int(code)], name_en, source="gb2260-0.4.1"
        )

    def area(self, parent_code: str, name_zh: str, name_en: str, source: str) -> Region:
        region = Region(
            code="", parent=parent_code, level="area", name_zh=name_zh, name_en=name_en,
            name_en_certainty="verified", latitude="", longitude="", coordinates_source="",
            source=source,
        )  # fmt: skip
        return self.regions.setdefault(region.reference, region)

    def ancestors_first(self, references: Iterable[str]) -> list[Region]:
        """The regions named and all their ancestors, parents before children."""
        needed: dict[str, Region] = {}
        for reference in references:
            region: Region | None = self.regions[reference]
            while region is not None and region.reference not in needed:
                needed[region.reference] = region
                region = self.regions.get(region.parent)
        return sorted(needed.values(), key=lambda r: (LEVEL_ORDER.index(r.level), r.reference))


def check_codes_against_cpca(catalogue: RegionCatalogue, regions: Sequence[Region]) -> None:
    """Fail on a 2008 code that cpca (codes of mixed dates) or gb2260's latest revision does not
    know under the same name, unless it is a recorded rename: that is how a rename shows."""
    renamed = {rename.old_code: rename for rename in RENAMES}
    latest = gb2260_data[None]  # the package's latest revision (2014)
    for region in regions:
        if not region.code.isdigit():
            continue
        if gb2260_data[CODES_YEAR_WENCHUAN].get(int(region.code)) != region.name_zh:
            raise SystemExit(f"{region.code} {region.name_zh} is not in gb2260 2008 so named")
        cpca_name = catalogue.cpca.get(region.code, ("",))[0]
        if region.code in renamed:
            rename = renamed[region.code]
            if catalogue.cpca.get(rename.new_code, ("",))[0] not in ("", rename.new_name_zh):
                raise SystemExit(f"cpca {rename.new_code} is not {rename.new_name_zh}")
            continue
        if cpca_name != region.name_zh or latest.get(int(region.code)) != region.name_zh:
            raise SystemExit(
                f"{region.code} {region.name_zh}: cpca says {cpca_name or 'nothing'}, gb2260 "
                f"latest {latest.get(int(region.code))}; record the rename in RENAMES"
            )


# --- bundles -------------------------------------------------------------------------------


@dataclass
class Bundle:
    slug: str
    programme: dict[str, Any]
    regions_named: list[str] = field(default_factory=list)
    indicators: list[dict[str, str]] = field(default_factory=list)
    participants: list[dict[str, str]] = field(default_factory=list)
    capacities: list[dict[str, str]] = field(default_factory=list)
    pairings: list[dict[str, str]] = field(default_factory=list)
    allocations: list[dict[str, str]] = field(default_factory=list)
    case_counts: list[dict[str, str]] = field(default_factory=list)
    care_ratios: list[dict[str, str]] = field(default_factory=list)
    extra_sources: list[str] = field(default_factory=list)
    # Sources named row by row in the facts (each revenue or aid figure has its own).
    row_sources: dict[str, Source] = field(default_factory=dict)

    def participate(self, region: Region, role: str, note: str = "") -> None:
        self.participants.append({"region": region.reference, "role": role, "note": note})
        self.regions_named.append(region.reference)

    def indicator(
        self, region: Region, indicator: str, value: str, as_of: str, source: str, certainty: str
    ) -> None:
        self.indicators.append(
            {
                "region": region.reference,
                "indicator": indicator,
                "value": value,
                "as_of": as_of,
                "source": source,
                "certainty": certainty,
            }
        )
        self.regions_named.append(region.reference)

    def pair(self, donor: Region, recipient: Region, **columns: str) -> None:
        self.pairings.append(
            {"donor": donor.reference, "recipient": recipient.reference, **columns}
        )


def persons(ten_thousands: str) -> str:
    """Population in persons from the facts' 10k persons; exact, or the build stops."""
    value = Decimal(ten_thousands) * 10_000
    if value != value.to_integral_value():
        raise SystemExit(f"{ten_thousands} × 10,000 is not a whole number of persons")
    return str(int(value))


def rules(
    donors_per_recipient: int,
    recipients_per_donor: int,
    *,
    share: float | None = None,
    indicator: str | None = None,
    basis: str | None = None,
    need_indicator: str | None = None,
) -> dict[str, Any]:
    """A programme's rules; the contribution share applies to a donor indicator per year."""
    return {
        "max_donors_per_recipient": donors_per_recipient,
        "max_recipients_per_donor": recipients_per_donor,
        "min_contribution_share": share,
        "min_contribution_indicator": indicator,
        "min_contribution_basis": basis,
        "need_indicator": need_indicator,
        "need_ratio": None,
    }


def build_hubei(facts: Path, catalogue: RegionCatalogue) -> Bundle:
    bundle = Bundle(
        "hubei-2020",
        {
            "slug": "hubei-2020",
            "name_en": "COVID-19 medical aid to Hubei outside Wuhan (2020)",
            "name_zh": "19省份对口支援湖北省武汉以外16个市州及县级市（2020年新冠肺炎疫情防治）",
            "kind": "medical_emergency",
            "period_start": "2020-02-10",
            "period_end": None,
            "currency": "CNY",
            "status": "active",
            "programme_date": "2020-02-12",
            "rules": rules(2, 3, need_indicator="confirmed_cases"),
            "description_en": (
                "On 2020-02-10 the National Health Commission paired 19 provinces with the 16 "
                "cities, prefectures and county-level cities of Hubei outside Wuhan to send "
                "medical teams against COVID-19 (Shanxi served Xiantao, Tianmen and Qianjiang "
                "together). The staff each donor had sent are dated 2020-03-16, after the "
                "pairing; how Shanxi's 469 staff were split is unknown. Case counts, "
                "populations and GDP are from the listed sources; figures the sources do not "
                "give are absent."
            ),
            "description_zh": (
                "2020年2月10日，国家卫生健康委统筹安排19个省份对口支援湖北省武汉市以外16个"
                "市州及县级市的新冠肺炎医疗救治工作（山西省支援仙桃、天门、潜江）。各省派出"
                "的医务人员数为2020年3月16日的数字；山西469人在三市间的分配不详。病例、人口"
                "和地区生产总值均出自所列来源；来源未提供的数字不予列出。"
            ),
        },
        extra_sources=["hunan-voc-2020-03-22"],
    )
    hubei = catalogue.province("420000")
    cities = {row["admin_code"]: row for row in read_csv(facts / "hubei_city_summary.csv")}
    add_hubei_pairings(bundle, catalogue, facts, cities)
    add_hubei_cases(bundle, catalogue, cities, hubei)
    add_hubei_case_counts(bundle, catalogue, facts, hubei)
    add_hubei_aid_staff(bundle, catalogue, facts, hubei)
    add_hubei_populations(bundle, catalogue, cities)
    add_donor_statistics(bundle, catalogue, facts)
    bundle.care_ratios = HUBEI_CARE_RATIOS
    return bundle


def add_hubei_pairings(
    bundle: Bundle, catalogue: RegionCatalogue, facts: Path, cities: dict[str, dict[str, str]]
) -> None:
    recipients_seen: set[str] = set()
    for row in read_csv(facts / "covid2020_hubei_pairing.csv"):
        donor = catalogue.province_by_name_en(row["donor_en"])
        staff = row["staff_sent_cctv_2020_03_16"]
        codes = row["recipient_admin_code"].split(";")
        donor_note = ""
        if len(codes) > 1:
            donor_note = f"serves {len(codes)} places together; {staff} staff, split unknown"
        if donor.name_en == "Hunan":
            donor_note = "CCTV (2020-03-16) gives 609 staff; Hunan's own report (2020-03-22) 619"
        bundle.participate(donor, "donor", donor_note)
        bundle.capacities.append(
            {
                "region": donor.reference,
                "resource_type": "medical_staff",
                "quantity": staff,
                "as_of": "2020-03-16",
                "source": "cctv-staff-2020-03-16",
                "certainty": "verified",
            }
        )
        for code in codes:
            city = cities[code]
            recipient = catalogue.hubei_city(code, city["city_zh"], city["city_en"])
            if code not in recipients_seen:
                recipients_seen.add(code)
                others = [cities[other]["city_en"] for other in codes if other != code]
                note = ""
                if others:
                    note = f"served by {donor.name_en} together with {' and '.join(others)}"
                bundle.participate(recipient, "recipient", note)
            bundle.pair(
                donor,
                recipient,
                status="active",
                valid_from=row["pairing_announced"],
                valid_to="",
                origin="historical",
                rationale=(
                    "official pairing announced by the National Health Commission on "
                    "2020-02-10 (原有关系不变、应补尽补)"
                ),
                source="nhc-pairing-2020-02-10",
                certainty="verified",
            )
            if len(codes) == 1:
                bundle.allocations.append(
                    {
                        "donor": donor.reference,
                        "recipient": recipient.reference,
                        "resource_type": "medical_staff",
                        "quantity": staff,
                        "date": "2020-03-16",
                        "source": "cctv-staff-2020-03-16",
                        "certainty": "verified",
                    }
                )


def add_hubei_cases(
    bundle: Bundle, catalogue: RegionCatalogue, cities: dict[str, dict[str, str]], hubei: Region
) -> None:
    """Cumulative cases and deaths per city, Wuhan and Hubei: verified on 2020-02-10, the one
    date the facts checked against the official bulletin, uncertain on the later dates."""
    for code, row in sorted(cities.items()):
        if code == hubei.code:
            region, source = hubei, "hubei-hc-province-cases"
        else:
            region = catalogue.hubei_city(code, row["city_zh"], row["city_en"])
            source = "hubei-hc-city-cases"
        for as_of in ("2020-02-10", "2020-03-31", "2020-04-30"):
            certainty = "verified" if as_of == "2020-02-10" else "uncertain"
            for indicator, column in (("confirmed_cases", "confirmed"), ("deaths", "dead")):
                value = row[f"{column}_asof_{as_of}"]
                bundle.indicator(region, indicator, value, as_of, source, certainty)


def add_hubei_case_counts(
    bundle: Bundle, catalogue: RegionCatalogue, facts: Path, hubei: Region
) -> None:
    """The daily series as published, row for row: each city's (and pseudo-region's) counts,
    and the provincial totals of each date (cured is not given for the province: left empty).
    Nothing is smoothed or filled; the checked rows of `add_hubei_cases` win where dates meet."""
    totals: dict[str, tuple[str, str]] = {}
    for row in read_csv(facts / "hubei_city_daily_asof.csv"):
        code = row["city_code"]
        if code in HUBEI_SERIES_AREAS:
            name_zh, name_en = HUBEI_SERIES_AREAS[code]
            region = catalogue.area(hubei.code, name_zh, name_en, HUBEI_SERIES_SOURCE)
        else:
            region = catalogue.regions[code]
        bundle.case_counts.append(
            {
                "region": region.reference,
                "as_of": row["asof_date"],
                "confirmed_cases": row["confirmed"],
                "cured": row["cured"],
                "deaths": row["dead"],
                "source": HUBEI_SERIES_SOURCE,
                "certainty": "uncertain",
            }
        )
        bundle.regions_named.append(region.reference)
        total = (row["hubei_total_confirmed"], row["hubei_total_dead"])
        if totals.setdefault(row["asof_date"], total) != total:
            raise SystemExit(f"{row['asof_date']}: two provincial totals {totals} and {total}")
    for as_of, (confirmed, dead) in totals.items():
        bundle.case_counts.append(
            {
                "region": hubei.reference,
                "as_of": as_of,
                "confirmed_cases": confirmed,
                "cured": "",
                "deaths": dead,
                "source": HUBEI_SERIES_SOURCE,
                "certainty": "uncertain",
            }
        )


def add_hubei_aid_staff(
    bundle: Bundle, catalogue: RegionCatalogue, facts: Path, hubei: Region
) -> None:
    """The staff sent in that the aid timeline dates (2020-02-12 and 02-14), as indicators of
    Hubei, Wuhan and the 16 places outside Wuhan (an area: no official code covers them)."""
    events = {
        row["date"]: row["event"] for row in read_csv(facts / "covid2020_hubei_aid_timeline.csv")
    }
    outside = catalogue.area(hubei.code, *OUTSIDE_WUHAN, source="staff-2020-02-14")
    for as_of, code, indicator, figure, source in HUBEI_AID_STAFF:
        if figure not in events[as_of]:
            raise SystemExit(f"{as_of}: the aid timeline does not say {figure}")
        region = outside if code == "outside" else catalogue.regions[code]
        bundle.indicator(region, indicator, figure.replace(",", ""), as_of, source, "verified")


def add_hubei_populations(
    bundle: Bundle, catalogue: RegionCatalogue, cities: dict[str, dict[str, str]]
) -> None:
    """End-2019 population where the facts give one; the source text decides key and certainty."""
    for code, row in sorted(cities.items()):
        if not row["pop_2019"]:
            continue
        note = row["pop_2019_source"]
        if code == "420000":
            region, source = catalogue.province(code), "nbs-population-2019"
        else:
            region = catalogue.hubei_city(code, row["city_zh"], row["city_en"])
            source = next(
                key
                for marker, key in (
                    ("statistical bulletin", "wuhan-bulletin-2019"),
                    ("citypopulation.de", "citypopulation-hubei-2019"),
                    ("slackerblud.com", "jingmen-population-2019"),
                )
                if marker in note
            )
        certainty = "uncertain" if "uncertain" in note else "verified"
        bundle.indicator(region, "population", row["pop_2019"], "2019-12-31", source, certainty)


def add_donor_statistics(bundle: Bundle, catalogue: RegionCatalogue, facts: Path) -> None:
    """Donors' (and, for context, Hubei's) 2019 population and GDP where known."""
    for row in read_csv(facts / "donor_province_stats.csv"):
        region = catalogue.province_by_name_en(row["province_en"])
        if row["pop_2019_10k"] and region.code != "420000":  # Hubei's comes with the cities
            source = "tianjin-bulletin-2019" if "Tianjin" in row["pop_source"] else None
            bundle.indicator(
                region,
                "population",
                persons(row["pop_2019_10k"]),
                "2019-12-31",
                source or "nbs-population-2019",
                "uncertain" if "uncertain" in row["pop_source"] else "verified",
            )
        if row["gdp_2019_100m_yuan"]:
            bundle.indicator(
                region,
                "gdp",
                row["gdp_2019_100m_yuan"],
                "2019-12-31",
                "nbs-gdp-2019",
                "uncertain" if "uncertain" in row["gdp_source"] else "verified",
            )


def build_wenchuan(facts: Path, catalogue: RegionCatalogue) -> Bundle:
    bundle = Bundle(
        "wenchuan-2008",
        {
            "slug": "wenchuan-2008",
            "name_en": "Wenchuan earthquake recovery and reconstruction (2008-2010)",
            "name_zh": "汶川地震灾后恢复重建对口支援（2008-2010年）",
            "kind": "disaster_recovery",
            "period_start": "2008-06-11",
            "period_end": "2010-12-31",
            "currency": "CNY",
            "status": "closed",
            "programme_date": None,
            "rules": rules(
                1, 2, share=0.01, indicator="local_fiscal_revenue", basis="previous_year"
            ),
            "description_en": (
                "The State Council's counterpart support plan of 2008-06-11 for the recovery "
                "and reconstruction after the Wenchuan earthquake paired 19 provinces and "
                "municipalities with 18 hard-hit counties and cities of Sichuan and the "
                "seriously affected areas of Gansu (Guangdong, mainly through Shenzhen, as its "
                "second recipient) and of Shaanxi (Tianjin), for 3 years (2008-2010), with "
                "in-kind aid each year of at least 1 % of the donor's previous-year local "
                "fiscal revenue. Pairings, codes, the donors' revenue where found and the "
                "published figures of aid delivered are from the listed sources; a figure not "
                "found is absent, and the contribution rule says so."
            ),
            "description_zh": (
                "2008年6月11日国务院办公厅印发汶川地震灾后恢复重建对口支援方案：19个省市"
                "对口支援四川省18个重灾县（市）和甘肃省、陕西省受灾严重地区（广东省主要由深圳市"
                "支援甘肃，天津市支援陕西），期限3年（2008-2010年），每年对口支援实物工作量"
                "按不低于本省市上年地方财政收入的1%考虑。对口关系、区划代码、已查到的援助方"
                "地方财政一般预算收入和已公布的援建完成数均出自所列来源；未查到的数字不予列出，"
                "对口支援比例规则对此注明未知。"
            ),
            # The phase link, cited to the plan of 2008-06-11 that began this phase: the
            # emergency pairing of 2008-05-23 ended that day, superseded by it (the emergency
            # pairings' rows, sourced to mca-emergency-pairing-2008-05-23, say so).
            "follows": {
                "programme": "wenchuan-2008-emergency",
                "source": "sc-reconstruction-plan-2008",
            },
        },
    )
    areas = {
        "Gansu": ("620000", "甘肃省受灾严重地区", "Seriously affected areas of Gansu"),
        "Shaanxi": ("610000", "陕西省受灾严重地区", "Seriously affected areas of Shaanxi"),
    }
    source = "sc-reconstruction-plan-2008"
    pairs: dict[tuple[str, str], tuple[Region, Region]] = {}
    for row in read_csv(facts / "wenchuan2008_reconstruction_pairing.csv"):
        donor = catalogue.province_by_name_en(row["donor_en"].split(" (")[0])
        if row["recipient_province"] in areas:
            parent, name_zh, name_en = areas[row["recipient_province"]]
            recipient = catalogue.area(parent, name_zh, name_en, source)
        else:
            recipient = catalogue.unit_2008(row["recipient_zh"], "510000", row["recipient_en"])
        bundle.participate(recipient, "recipient")
        if donor.reference not in {p["donor"] for p in bundle.pairings}:
            bundle.participate(donor, "donor")
        pairs[(row["donor_en"], row["recipient_en"])] = (donor, recipient)
        rationale = PAIRING_RATIONALE_2008
        if row["donor_en"] != donor.name_en:
            rationale += f"; donor as named in the plan: {row['donor_en']}"
        bundle.pair(
            donor,
            recipient,
            status="ended",
            valid_from="2008-06-11",
            valid_to="2010-12-31",
            origin="historical",
            rationale=rationale,
            source=source,
            certainty="verified",
        )
    note_donors_with_two_recipients(bundle)
    add_wenchuan_revenue(bundle, catalogue, facts)
    add_wenchuan_aid(bundle, facts, pairs)
    return bundle


def add_wenchuan_revenue(bundle: Bundle, catalogue: RegionCatalogue, facts: Path) -> None:
    """The donors' local general budget revenue where found (the 1 % rule's bases), dated at the
    end of its year. A row without a figure stays out: it is unknown, and the source some of
    those rows name gives a figure of another measure (docs/data-sources.md)."""
    for row in read_csv(facts / "wenchuan2008_donor_revenue.csv"):
        value = row["local_general_budget_revenue_100m_yuan"]
        if not value:
            continue
        key = f"revenue-{row['donor_en'].lower()}-{row['year']}"
        bundle.row_sources[key] = fact_row_source(key, row["source"], row["note"])
        donor = catalogue.province_by_name_en(row["donor_en"])
        year_end = f"{row['year']}-12-31"
        bundle.indicator(donor, "local_fiscal_revenue", value, year_end, key, row["certainty"])


def add_wenchuan_aid(
    bundle: Bundle, facts: Path, pairs: dict[tuple[str, str], tuple[Region, Region]]
) -> None:
    """The published figures of aid delivered along a pairing (WENCHUAN_AID_DELIVERED), as
    allocation lines of funds in yuan at the date each cumulative figure refers to."""
    carried = set()
    for row in read_csv(facts / "wenchuan2008_aid_totals.csv"):
        figure = (row["donor_en"], row["aid_100m_yuan"])
        if figure not in WENCHUAN_AID_DELIVERED:
            continue
        carried.add(figure)
        donor, recipient = next(
            regions
            for (donor_en, recipient_en), regions in pairs.items()
            if donor_en == row["donor_en"] and row["recipient_en"].startswith(recipient_en)
        )
        date = WENCHUAN_AID_DELIVERED[figure]
        key = f"aid-{row['donor_en'].lower()}-{date}"
        what = f"{row['what_counts']}; period: {row['period']}; {row['note']}"
        bundle.row_sources[key] = fact_row_source(key, row["source"], what)
        yuan = Decimal(row["aid_100m_yuan"]) * HUNDRED_MILLION
        bundle.allocations.append(
            {
                "donor": donor.reference,
                "recipient": recipient.reference,
                "resource_type": "cny",
                "quantity": str(int(yuan)),
                "date": date,
                "source": key,
                "certainty": row["certainty"],
            }
        )
    if missing := set(WENCHUAN_AID_DELIVERED) - carried:
        raise SystemExit(f"wenchuan2008_aid_totals.csv has no row for {sorted(missing)}")


def build_wenchuan_emergency(facts: Path, catalogue: RegionCatalogue) -> Bundle:
    bundle = Bundle(
        "wenchuan-2008-emergency",
        {
            "slug": "wenchuan-2008-emergency",
            "name_en": "Wenchuan earthquake emergency-phase pairing (2008)",
            "name_zh": "汶川地震抗震救灾对口支援（应急阶段，2008年）",
            "kind": "disaster_recovery",
            "period_start": "2008-05-23",
            "period_end": "2008-06-11",
            "currency": "CNY",
            "status": "closed",
            "programme_date": None,
            "rules": rules(1, 2),
            "description_en": (
                "The Ministry of Civil Affairs' emergency notice of 2008-05-23 paired 21 "
                "provinces with hard-hit counties of Sichuan and prefectures of Gansu for "
                "emergency relief and temporary resettlement (Beijing and Tianjin served two "
                "each). The reconstruction pairing of 2008-06-11 superseded it. Pairings and "
                "codes are from the listed sources."
            ),
            "description_zh": (
                "2008年5月23日民政部紧急通知，安排21个省份对口支援四川重灾县和甘肃受灾地区"
                "的抗震救灾和群众临时安置（北京、天津各支援两地），2008年6月11日起由灾后恢复"
                "重建对口支援方案取代。对口关系和区划代码出自所列来源。"
            ),
        },
    )
    english_names = {
        row["recipient_zh"]: row["recipient_en"]
        for row in read_csv(facts / "wenchuan2008_reconstruction_pairing.csv")
    }
    provinces = {"Sichuan": "510000", "Gansu": "620000"}
    donors_seen: set[str] = set()
    for row in read_csv(facts / "wenchuan2008_emergency_pairing_mca_2008-05-23.csv"):
        donor = catalogue.province_by_short_zh(row["donor_zh"])
        recipient = catalogue.unit_2008(
            row["recipient_zh"],
            provinces[row["recipient_province"]],
            english_names.get(row["recipient_zh"], ""),
        )
        if donor.code not in donors_seen:
            donors_seen.add(donor.code)
            bundle.participate(donor, "donor")
        bundle.participate(recipient, "recipient")
        bundle.pair(
            donor,
            recipient,
            status="ended",
            valid_from="2008-05-23",
            valid_to="2008-06-11",
            origin="historical",
            rationale="; ".join(filter(None, (EMERGENCY_RATIONALE, row["note"]))),
            source="mca-emergency-pairing-2008-05-23",
            certainty="verified",
        )
    note_donors_with_two_recipients(bundle)
    return bundle


EASTWEST_RATIONALE = (
    "East–West cooperation on poverty alleviation as adjusted at the end of 2016 (东西部扶贫"
    "协作): help to lift the paired region's rural poor out of poverty by 2020"
)


def build_eastwest(facts: Path, catalogue: RegionCatalogue) -> Bundle:
    """The East–West pairing of 2016 at the levels its list gives: province to province,
    province to prefecture (Beijing and Tianjin with cities of Hebei) and city to prefecture,
    each pair a standalone pairing at its own level; no county twinning (none found)."""
    bundle = Bundle(
        "eastwest-2016",
        {
            "slug": "eastwest-2016",
            "name_en": "East–West cooperation on poverty alleviation (2016 pairing, 2017-2020)",
            "name_zh": "东西部扶贫协作（2016年调整后的结对关系，2017-2020年）",
            "kind": "poverty_alleviation",
            "period_start": "2016-12-07",
            "period_end": "2020-12-31",
            "currency": "CNY",
            "status": "closed",
            "programme_date": None,
            "rules": rules(2, 3),
            "description_en": (
                "The guidance of the General Offices of the CPC Central Committee and the "
                "State Council on strengthening East–West cooperation on poverty alleviation "
                "(reported 2016-12-07) adjusted the pairings: eastern provinces and cities "
                "help western provinces, autonomous prefectures and the poorest prefectures, "
                "and Beijing and Tianjin help cities of Hebei, so that the rural poor are out "
                "of poverty by 2020. Pairs read in the official list are verified; pairs the "
                "excerpt read does not reach are included only where another report names "
                "them, marked uncertain. Pairs found nowhere are absent (docs/data-sources.md)."
            ),
            "description_zh": (
                "中共中央办公厅、国务院办公厅《关于进一步加强东西部扶贫协作工作的指导意见》"
                "（2016年12月7日新华社报道）调整东西部扶贫协作结对关系：东部省市帮扶西部省区、"
                "民族自治州和贫困程度深的市州，北京、天津帮扶河北有关市，确保到2020年农村贫困"
                "人口脱贫。在官方名单原文中读到的结对为已核实；所读摘录未涵盖、仅见于其他报道的"
                "结对标为待核实；未查到来源的结对不予列出（见 docs/data-sources.md）。"
            ),
        },
        extra_sources=["scio-eastwest-2016-12-08"],
    )
    donors_seen: set[str] = set()
    recipients_seen: set[str] = set()
    for row in read_csv(facts / "eastwest2016_pairing.csv"):
        donor = eastwest_region(catalogue, row["donor_zh"], row["donor_province_zh"])
        recipient = eastwest_region(catalogue, row["recipient_zh"], row["recipient_province_zh"])
        if donor.reference not in donors_seen:
            donors_seen.add(donor.reference)
            bundle.participate(donor, "donor")
        if recipient.reference not in recipients_seen:
            recipients_seen.add(recipient.reference)
            bundle.participate(recipient, "recipient")
        bundle.pair(
            donor,
            recipient,
            status="ended",
            valid_from="2016-12-07",
            valid_to="2020-12-31",
            origin="historical",
            rationale="; ".join(filter(None, (EASTWEST_RATIONALE, row["note"]))),
            source=row["source"],
            certainty=row["certainty"],
        )
    note_donors_with_two_recipients(bundle)
    return bundle


def eastwest_region(catalogue: RegionCatalogue, name_zh: str, province_zh: str) -> Region:
    """A side of an East–West pair: a province, or a prefecture of the province named."""
    if not province_zh:
        return catalogue.province_by_name_zh(name_zh)
    return catalogue.current_prefecture(name_zh, catalogue.province_by_name_zh(province_zh))


def note_donors_with_two_recipients(bundle: Bundle) -> None:
    donors = Counter(pairing["donor"] for pairing in bundle.pairings)
    for participant in bundle.participants:
        if participant["role"] == "donor" and donors[participant["region"]] > 1:
            participant["note"] = f"{donors[participant['region']]} recipients in this programme"


# --- checks and output ---------------------------------------------------------------------


def check_rules(bundle: Bundle) -> None:
    """The historical pairings must respect the programme's own limits."""
    limits = bundle.programme["rules"]
    per_recipient = Counter(p["recipient"] for p in bundle.pairings)
    per_donor = Counter(p["donor"] for p in bundle.pairings)
    if max(per_recipient.values()) > limits["max_donors_per_recipient"]:
        raise SystemExit(f"{bundle.slug}: donors per recipient {per_recipient.most_common(1)}")
    if max(per_donor.values()) > limits["max_recipients_per_donor"]:
        raise SystemExit(f"{bundle.slug}: recipients per donor {per_donor.most_common(1)}")


def write_table(path: Path, columns: Sequence[str], rows: Sequence[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def region_row(region: Region) -> dict[str, str]:
    return {
        "country": COUNTRY,
        "code": region.code,
        "parent": region.parent,
        "level": region.level,
        "name_zh": region.name_zh,
        "name_en": region.name_en,
        "name_en_certainty": region.name_en_certainty,
        "latitude": region.latitude,
        "longitude": region.longitude,
        "coordinates_source": region.coordinates_source,
        "source": region.source,
        "certainty": region.certainty,
    }


def rename_rows(regions: Sequence[Region]) -> list[dict[str, str]]:
    codes = {region.code for region in regions}
    return [
        {
            "region": rename.old_code,
            "new_code": rename.new_code,
            "new_name_zh": rename.new_name_zh,
            "new_name_en": rename.new_name_en,
            "date": rename.date,
            "source": rename.source,
        }
        for rename in RENAMES
        if rename.old_code in codes
    ]


def write_bundle(bundle: Bundle, catalogue: RegionCatalogue, sources: dict[str, Source]) -> None:
    check_rules(bundle)
    named = bundle.regions_named + [p["donor"] for p in bundle.pairings]
    regions = catalogue.ancestors_first(named)
    if bundle.slug.startswith("wenchuan"):
        check_codes_against_cpca(catalogue, regions)
    tables = {
        "regions.csv": [region_row(region) for region in regions],
        "region_renames.csv": rename_rows(regions),
        "indicators.csv": bundle.indicators,
        "participants.csv": sorted(bundle.participants, key=lambda p: p["role"]),
        "capacities.csv": bundle.capacities,
        "pairings.csv": bundle.pairings,
        "allocations.csv": bundle.allocations,
        "case_counts.csv": bundle.case_counts,
        "care_ratios.csv": bundle.care_ratios,
    }
    used = set(bundle.extra_sources)
    for rows in tables.values():
        for row in rows:
            used.update(row[key] for key in ("source", "coordinates_source") if row.get(key))
    known = {**sources, **bundle.row_sources}
    tables["sources.csv"] = [vars(known[key]) for key in sorted(used)]

    folder = BUNDLES_DIR / bundle.slug
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, rows in tables.items():
        if rows or name in REQUIRED_TABLES:
            write_table(folder / name, COLUMNS[name], rows)
    manifest = {
        # Format 1 where it suffices, so that older readers keep reading these bundles; a
        # phase link (programme.follows) needs format 5.
        "format_version": 5 if "follows" in bundle.programme else 1,
        "kind": "programme",
        "data_version": DATA_VERSIONS[bundle.slug],
        "country": COUNTRY,
        "description": bundle.programme["description_en"],
        "programme": {**bundle.programme, "sources": sorted(used)},
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    (folder / "manifest.json").write_text(text, encoding="utf-8")
    counts = ", ".join(f"{name} {len(rows)}" for name, rows in tables.items() if rows)
    print(f"{bundle.slug}: {counts}")


def main(argv: Sequence[str]) -> None:
    facts = Path(argv[0]) if argv else DEFAULT_FACTS_DIR
    catalogue = RegionCatalogue(facts)
    sources = all_sources()
    bundles = (
        build_hubei(facts, catalogue),
        build_wenchuan(facts, catalogue),
        build_wenchuan_emergency(facts, catalogue),
        build_eastwest(facts, catalogue),
    )
    for bundle in bundles:
        write_bundle(bundle, catalogue, sources)


if __name__ == "__main__":
    main(sys.argv[1:])
