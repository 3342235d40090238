"""Every fixed number the forecasts rely on, with where it comes from: one place to read and cite.

Serial interval: Nishiura H, Linton NM, Akhmetzhanov AR. "Serial interval of novel coronavirus
(COVID-19) infections." International Journal of Infectious Diseases 2020; 93:284-286,
doi:10.1016/j.ijid.2020.02.060. Lognormal fitted to 28 infector-infectee pairs (certain and
probable): mean 4.7 days, SD 2.9 days. Discretised here to whole days 1..SERIAL_INTERVAL_MAX_DAYS.

Reproduction number: Cori A, Ferguson NM, Fraser C, Cauchemez S. "A new framework and software to
estimate time-varying reproduction numbers during epidemics." American Journal of Epidemiology
2013; 178(9):1505-1512. Gamma prior with mean 5 and SD 5 (shape 1, scale 5; the paper's and
EpiEstim's default), sliding windows of 7 days.

Observation noise: negative binomial with a fixed size (dispersion) OBSERVATION_SIZE; the same
noise for the renewal model and both baselines, so that they differ only in their expected counts.
"""

from typing import Final

SERIAL_INTERVAL_MEAN_DAYS: Final = 4.7
SERIAL_INTERVAL_SD_DAYS: Final = 2.9
SERIAL_INTERVAL_MAX_DAYS: Final = 20
SERIAL_INTERVAL_SOURCE: Final = (
    "Nishiura, Linton & Akhmetzhanov 2020, Int J Infect Dis 93:284-286 "
    "(lognormal, mean 4.7 d, SD 2.9 d)"
)

R_PRIOR_SHAPE: Final = 1.0
R_PRIOR_SCALE: Final = 5.0
R_WINDOW_DAYS: Final = 7

# Negative binomial size k (variance = mean + mean^2 / k). A stated modelling choice, not an
# estimate: k = 10 lets daily counts vary by about a third around a mean of 100.
OBSERVATION_SIZE: Final = 10.0

SAMPLE_PATHS: Final = 1000

# The 23 quantile levels of the forecast hubs (0.01, 0.025, 0.05, 0.10, 0.15, ..., 0.95, 0.975,
# 0.99): the median and 11 central intervals.
QUANTILE_LEVELS: Final = (
    0.01,
    0.025,
    *(round(0.05 * k, 2) for k in range(1, 20)),
    0.975,
    0.99,
)
