"""The default indicator and resource catalogues, seeded by a data migration.

Extensible: administrators add entries in the admin; bundles refer to entries by code.
"""

# code, English name, Chinese name, unit
INDICATORS: list[tuple[str, str, str, str]] = [
    ("population", "Resident population", "常住人口", "persons"),
    ("gdp", "Gross domestic product", "地区生产总值", "CNY 100 million"),
    (
        "local_fiscal_revenue",
        "Local general public budget revenue",
        "地方一般公共预算收入",
        "CNY 100 million",
    ),
    ("licensed_doctors", "Licensed (assistant) doctors", "执业（助理）医师", "persons"),
    ("registered_nurses", "Registered nurses", "注册护士", "persons"),
    ("hospital_beds", "Hospital beds", "医院床位", "beds"),
    ("icu_beds", "ICU beds", "重症监护床位", "beds"),
    ("confirmed_cases", "Cumulative confirmed cases", "累计确诊病例", "persons"),
    ("deaths", "Cumulative deaths", "累计死亡", "persons"),
    ("cured", "Cumulative recovered", "累计治愈", "persons"),
    ("area_km2", "Land area", "面积", "km²"),
    # Medical staff other provinces sent in (Hubei 2020): a cumulative total, and one day's
    # arrivals with their professions where the report gives them.
    (
        "aid_staff",
        "Medical staff sent in by other provinces (cumulative)",
        "外省支援医务人员（累计）",
        "persons",
    ),
    ("aid_staff_arrivals", "Medical staff sent in that day", "当日派出支援医务人员", "persons"),
    ("aid_doctor_arrivals", "Doctors sent in that day", "当日派出支援医生", "persons"),
    ("aid_nurse_arrivals", "Nurses sent in that day", "当日派出支援护士", "persons"),
    ("aid_other_staff_arrivals", "Other staff sent in that day", "当日派出其他支援人员", "persons"),
]

# code, kind, English name, Chinese name, unit, profession, specialty
RESOURCE_TYPES: list[tuple[str, str, str, str, str, str, str]] = [
    (
        "medical_staff",
        "personnel",
        "Medical staff (all professions)",
        "医务人员",
        "persons",
        "",
        "",
    ),
    ("doctor", "personnel", "Doctor", "医生", "persons", "doctor", ""),
    ("nurse", "personnel", "Nurse", "护士", "persons", "nurse", ""),
    (
        "icu_doctor",
        "personnel",
        "ICU doctor",
        "重症医学科医生",
        "persons",
        "doctor",
        "intensive care",
    ),
    ("icu_nurse", "personnel", "ICU nurse", "重症护士", "persons", "nurse", "intensive care"),
    (
        "infection_control_specialist",
        "personnel",
        "Infection-control specialist",
        "院感防控专家",
        "persons",
        "doctor",
        "infection control",
    ),
    (
        "respiratory_therapist",
        "personnel",
        "Respiratory therapist",
        "呼吸治疗师",
        "persons",
        "therapist",
        "respiratory",
    ),
    (
        "lab_technician",
        "personnel",
        "Laboratory technician",
        "检验技师",
        "persons",
        "technician",
        "laboratory",
    ),
    (
        "engineer",
        "personnel",
        "Engineer (reconstruction)",
        "工程技术人员",
        "persons",
        "engineer",
        "",
    ),
    ("n95_mask", "materiel", "N95 respirator", "N95口罩", "pieces", "", ""),
    ("surgical_mask", "materiel", "Surgical mask", "医用外科口罩", "pieces", "", ""),
    ("protective_suit", "materiel", "Medical protective suit", "医用防护服", "pieces", "", ""),
    ("ventilator", "materiel", "Ventilator", "呼吸机", "units", "", ""),
    ("ecmo_machine", "materiel", "ECMO machine", "ECMO设备", "units", "", ""),
    ("test_kit", "materiel", "Nucleic-acid test kit", "核酸检测试剂", "tests", "", ""),
    ("tent", "materiel", "Tent", "帐篷", "units", "", ""),
    ("prefab_house", "materiel", "Prefabricated house", "活动板房", "units", "", ""),
    ("cny", "funds", "Funds (CNY)", "资金（人民币）", "CNY", "", ""),
    (
        "consultation_session",
        "expertise",
        "Remote consultation session",
        "远程会诊",
        "sessions",
        "",
        "",
    ),
    ("training_course", "expertise", "Training course", "培训课程", "courses", "", ""),
]
