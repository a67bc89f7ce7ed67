"""The CertificatesService servicer: certificates of service (志愿服务证明)."""

from __future__ import annotations

from collections.abc import Callable

from jifen.clock import Clock, utcnow
from jifen.grpc_server import current_caller
from jifen.points.v1 import certificates_pb2 as pb
from jifen.points.v1 import certificates_pb2_grpc as pb_grpc

from ..service.certificates import commands, handlers
from ..service.ports import UnitOfWork
from . import certificate_messages as messages


class CertificatesServicer(pb_grpc.CertificatesServiceServicer):
    def __init__(self, uow: Callable[[], UnitOfWork], clock: Clock = utcnow):
        self.uow = uow
        self.clock = clock

    def IssueCertificate(self, request, context):
        cmd = commands.IssueCertificate(
            actor=current_caller(),
            request_id=request.request_id,
            member_id=request.member_id,
            community_id=request.community_id,
            from_date=request.from_date,
            to_date=request.to_date,
        )
        issued = handlers.issue_certificate(cmd, self.uow(), self.clock)
        return pb.IssueCertificateResponse(certificate=messages.certificate(issued))

    def GetCertificate(self, request, context):
        query = commands.GetCertificate(actor=current_caller(), serial=request.serial)
        return pb.GetCertificateResponse(
            certificate=messages.certificate(handlers.get_certificate(query, self.uow()))
        )

    def VerifyCertificate(self, request, context):
        query = commands.VerifyCertificate(serial=request.serial)
        return messages.verification(handlers.verify_certificate(query, self.uow()))
