"""reportlab rendering of every printed form and ledger. Input: DTOs; output: an A4 PDF with the
bundled CJK font embedded. No database access here."""
