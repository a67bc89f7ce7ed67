"""Jifen's shared runtime: settings, persistence plumbing, events, auth and process bootstrap.

No business rules live here; those belong to services/<svc>/domain. The generated contract
code (jifen.members.v1, jifen.events.v1, ...) lives under gen/jifen/, made by `make protos`
and never committed; extend_path lets this package span both folders.
"""

from pkgutil import extend_path

__path__ = extend_path(__path__, __name__)
