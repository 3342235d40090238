"""The annual assessment of a programme's donors: criteria with weights, and per pairing the
cycle of self-assessment, the recipient's opinion, a third participant's cross-check, the
coordinator's final score and publication (issue 22, item 6)."""
