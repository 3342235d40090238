"""Projects: the unit of work of long programmes (reconstruction, poverty alleviation), each
under a pairing, with a sector, a place, a budget by funding source, an IATI activity status,
transactions that are the funds ledger's own rows, and results indicators (issue 22)."""
