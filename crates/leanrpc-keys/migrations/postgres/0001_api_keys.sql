-- API keys on PostgreSQL (leanrpc-keys' PgKeyStore). Applied once per database, in one
-- transaction under an advisory lock; never edited once released (a change is a new file).

-- Key ids compare byte for byte ("C" collation), whatever the database's default collation:
-- no case-insensitive or locale-dependent match ever finds another key, and ORDER BY sorts in
-- byte order. Times are Unix seconds.
CREATE TABLE api_keys (
    key_id       TEXT COLLATE "C" PRIMARY KEY,
    name         TEXT NOT NULL,
    digest       BYTEA NOT NULL CHECK (octet_length(digest) = 32),
    role         TEXT NOT NULL,
    projects     BIGINT[] NOT NULL,
    scopes       TEXT[] NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT,
    revoked_at   BIGINT,
    last_used_at BIGINT
);

-- The change counter behind KeyStore::generation: one row, bumped in the same transaction as
-- every change to a key except last_used_at, whoever makes it (a server, the key CLI, psql).
CREATE TABLE api_key_changes (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL
);
INSERT INTO api_key_changes (id, generation) VALUES (1, 0);

-- Every change also sends NOTIFY leanrpc_keys with the key id (sent when the transaction
-- commits, never for one rolled back), so that servers drop that key from their caches at
-- once. An id too long for a notification is sent as '' (meaning: drop every cached key).
CREATE FUNCTION api_keys_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE api_key_changes SET generation = generation + 1 WHERE id = 1;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM pg_notify('leanrpc_keys',
            CASE WHEN octet_length(OLD.key_id) <= 1000 THEN OLD.key_id ELSE '' END);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM pg_notify('leanrpc_keys',
            CASE WHEN octet_length(NEW.key_id) <= 1000 THEN NEW.key_id ELSE '' END);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER api_keys_changed
AFTER INSERT OR DELETE
   OR UPDATE OF key_id, name, digest, role, projects, scopes, created_at, expires_at, revoked_at
ON api_keys FOR EACH ROW EXECUTE FUNCTION api_keys_changed();

CREATE FUNCTION api_keys_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE api_key_changes SET generation = generation + 1 WHERE id = 1;
    PERFORM pg_notify('leanrpc_keys', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER api_keys_truncated
AFTER TRUNCATE ON api_keys FOR EACH STATEMENT EXECUTE FUNCTION api_keys_truncated();
