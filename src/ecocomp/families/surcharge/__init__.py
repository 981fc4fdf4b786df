"""Credit-rated electricity and sewage surcharges (差别电价, 差别化污水处理费)."""
