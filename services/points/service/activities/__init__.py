"""Volunteer activities: planning them (planning.py), signing up (sign_ups.py), and on-site check-in
and check-out with the organiser's code (check_in.py)."""
