"""PairAid: partner assistance (对口支援) — pair donors with recipients and run the programme."""

__version__ = "0.1.0"
