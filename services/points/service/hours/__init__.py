"""Hour records: recording them (recording.py), flagging them against the member's other records
(flags.py), approving and rejecting them (decisions.py)."""
