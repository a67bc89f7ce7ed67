"""What a refused gRPC call answered, for the integration tests that call the apis."""

from __future__ import annotations

import grpc
import pytest


def code_of(call) -> grpc.StatusCode:
    """The status code of the RpcError `call()` raises (the test fails if it raises none)."""
    with pytest.raises(grpc.RpcError) as err:
        call()
    return err.value.code()
