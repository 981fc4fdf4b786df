"""Pollutant-linked fund (污染物排放统筹资金)."""
