-- Runner client certificates an operator revoked (`fangs ca revoke NAME`). The
-- threat model keeps runner certificates per host so that a compromised host's
-- certificate can be revoked and the runner replaced: the orchestrator refuses
-- a certificate listed here although the CA signed it. Keyed by serial number
-- (lowercase hex): a certificate re-issued for the same name has a new serial.
CREATE TABLE revoked_certs (
  serial TEXT PRIMARY KEY,
  cn TEXT NOT NULL,
  revoked_at BIGINT NOT NULL,
  reason TEXT
);
