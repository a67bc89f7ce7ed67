"""Certificates of service (志愿服务证明): issue one, read it back to print, verify a serial publicly."""
