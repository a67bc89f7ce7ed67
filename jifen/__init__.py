"""Jifen's shared runtime: settings, persistence plumbing, events, auth and process bootstrap.

No business rules live here; those belong to services/<svc>/domain.
"""
