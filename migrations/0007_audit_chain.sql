-- A tamper-evident audit log. The threat model names an attacker with write
-- access to the database who edits or deletes audit rows to hide a baseline
-- change. Each row written from now on carries seq (gap-free order),
-- prev_hash and hash = sha256(prev_hash, the row's content); audit_head holds
-- the newest seq and hash. Writers update audit_head first in the same
-- transaction, so its row lock (PostgreSQL) or the write lock (SQLite)
-- serializes them and the chain never forks. `fangs audit verify` walks the
-- chain and names the first broken link. Rows from before this migration have
-- no hash: they are reported as unchained, and may only precede the chain.
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_log_seq ON audit_log (seq);
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY,
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL,
  unchained BIGINT NOT NULL
);
INSERT INTO audit_head (id, seq, hash, unchained) SELECT 1, 0, '', COUNT(*) FROM audit_log;
