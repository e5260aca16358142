//! The store's schema, as numbered migrations applied in order under an advisory lock, so tills
//! starting together migrate once. A migration once released is never edited. (SQLite keeps
//! `rusqlite_migration`; the two schemas differ, so each database has its own list: ARCHITECTURE.md.)

use tokio_postgres::Client;

/// Every migration, oldest first.
const MIGRATIONS: &[&str] = &[
    // Orders as the tills last pushed them (or a notification service wrote them); a day is a
    // range of `created_at_ms`, as in the till's ledger.
    "CREATE TABLE orders (
         order_no         TEXT PRIMARY KEY,
         till_id          TEXT    NOT NULL,
         provider         TEXT    NOT NULL,
         merchant_id      TEXT    NOT NULL,
         method           TEXT    NOT NULL,
         amount_li        BIGINT  NOT NULL,
         paid_li          BIGINT,
         status           TEXT    NOT NULL,
         gateway_order_no TEXT,
         shown            TEXT,
         auth_code_masked TEXT,
         description      TEXT    NOT NULL,
         created_at_ms    BIGINT  NOT NULL,
         updated_at_ms    BIGINT  NOT NULL,
         paid_at_ms       BIGINT,
         last_error       TEXT,
         late             BOOLEAN NOT NULL,
         repeat_of        TEXT,
         acknowledged     BOOLEAN NOT NULL,
         check_reason     TEXT,
         pushed_at        TIMESTAMPTZ NOT NULL DEFAULT now()
     );
     CREATE INDEX orders_by_time ON orders (created_at_ms)
         INCLUDE (till_id, status, method, amount_li, paid_li);",
    // Paid orders per till and UTC hour, kept by a trigger with the orders: the 30-day chart sums
    // at most 720 rows a till. Per till, so tills pushing at once never wait on one row.
    "CREATE TABLE paid_by_hour (
         till_id    TEXT   NOT NULL,
         hour       BIGINT NOT NULL,
         paid_count BIGINT NOT NULL,
         paid_li    BIGINT NOT NULL,
         PRIMARY KEY (hour, till_id)
     );
     INSERT INTO paid_by_hour (till_id, hour, paid_count, paid_li)
         SELECT till_id, created_at_ms / 3600000, count(*), coalesce(sum(paid_li), 0)
         FROM orders WHERE status = 'paid' GROUP BY till_id, created_at_ms / 3600000;
     CREATE FUNCTION paid_by_hour_kept() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
         IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'paid' THEN
             UPDATE paid_by_hour SET paid_count = paid_count - 1,
                 paid_li = paid_li - coalesce(OLD.paid_li, 0)
             WHERE hour = OLD.created_at_ms / 3600000 AND till_id = OLD.till_id;
         END IF;
         IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'paid' THEN
             INSERT INTO paid_by_hour (till_id, hour, paid_count, paid_li)
             VALUES (NEW.till_id, NEW.created_at_ms / 3600000, 1, coalesce(NEW.paid_li, 0))
             ON CONFLICT (hour, till_id) DO UPDATE
                 SET paid_count = paid_by_hour.paid_count + 1,
                     paid_li = paid_by_hour.paid_li + EXCLUDED.paid_li;
         END IF;
         RETURN NULL;
     END $$;
     CREATE TRIGGER orders_paid_by_hour AFTER INSERT OR UPDATE OR DELETE ON orders
         FOR EACH ROW EXECUTE FUNCTION paid_by_hour_kept();",
    // Which install pushed each order and the till's version of it (the upsert keeps the higher
    // version, never the later clock); which install holds each till id, and which others were
    // refused it, so the holder can be told.
    "ALTER TABLE orders ADD COLUMN install_id TEXT;
     ALTER TABLE orders ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
     CREATE TABLE tills (
         till_id    TEXT PRIMARY KEY,
         install_id TEXT        NOT NULL,
         claimed_at TIMESTAMPTZ NOT NULL DEFAULT now()
     );
     CREATE TABLE till_claims_refused (
         till_id    TEXT        NOT NULL,
         install_id TEXT        NOT NULL,
         last_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
         PRIMARY KEY (till_id, install_id)
     );",
    // One role per till (`cashier store add-till`), confined by row-level security: a till role
    // reads every row (the store's day), inserts and updates only its own till's rows, deletes
    // none; the tables' owner (the store's admin, notify-server) is not confined. Paid is final
    // for everyone, in SQL too. The chart's trigger runs as its owner, so tills never write it.
    "CREATE TABLE till_roles (
         role_name TEXT PRIMARY KEY,
         till_id   TEXT NOT NULL UNIQUE
     );
     CREATE FUNCTION store_till() RETURNS TEXT LANGUAGE sql STABLE AS
         $$ SELECT till_id FROM till_roles WHERE role_name = current_user $$;
     ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
     CREATE POLICY orders_read ON orders FOR SELECT USING (true);
     CREATE POLICY orders_insert ON orders FOR INSERT WITH CHECK (till_id = store_till());
     CREATE POLICY orders_update ON orders FOR UPDATE
         USING (till_id = store_till()) WITH CHECK (till_id = store_till());
     ALTER TABLE tills ENABLE ROW LEVEL SECURITY;
     CREATE POLICY tills_read ON tills FOR SELECT USING (true);
     CREATE POLICY tills_insert ON tills FOR INSERT WITH CHECK (till_id = store_till());
     CREATE POLICY tills_update ON tills FOR UPDATE
         USING (till_id = store_till()) WITH CHECK (till_id = store_till());
     ALTER TABLE till_claims_refused ENABLE ROW LEVEL SECURITY;
     CREATE POLICY refused_read ON till_claims_refused FOR SELECT USING (true);
     CREATE POLICY refused_insert ON till_claims_refused FOR INSERT
         WITH CHECK (till_id = store_till());
     CREATE POLICY refused_update ON till_claims_refused FOR UPDATE
         USING (till_id = store_till()) WITH CHECK (till_id = store_till());
     ALTER FUNCTION paid_by_hour_kept() SECURITY DEFINER;
     CREATE FUNCTION paid_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
         IF OLD.status = 'paid' AND (NEW.status <> 'paid'
             OR NEW.paid_li IS DISTINCT FROM OLD.paid_li OR NEW.amount_li <> OLD.amount_li
             OR NEW.till_id <> OLD.till_id) THEN
             RAISE EXCEPTION 'order % is paid: paid is final', OLD.order_no;
         END IF;
         RETURN NEW;
     END $$;
     CREATE TRIGGER orders_paid_is_final BEFORE UPDATE ON orders
         FOR EACH ROW EXECUTE FUNCTION paid_is_final();",
    // The tills' audit trails, pushed with the orders: append-only for everyone (a trigger), and
    // a till role adds only its own till's entries. Till roles made before get the right to add.
    "CREATE TABLE audit (
         install_id TEXT   NOT NULL,
         local_id   BIGINT NOT NULL,
         till_id    TEXT   NOT NULL,
         at_ms      BIGINT NOT NULL,
         who        TEXT   NOT NULL,
         action     TEXT   NOT NULL,
         detail     TEXT   NOT NULL,
         pushed_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
         PRIMARY KEY (install_id, local_id)
     );
     CREATE INDEX audit_by_time ON audit (at_ms);
     ALTER TABLE audit ENABLE ROW LEVEL SECURITY;
     CREATE POLICY audit_read ON audit FOR SELECT USING (true);
     CREATE POLICY audit_insert ON audit FOR INSERT WITH CHECK (till_id = store_till());
     CREATE FUNCTION audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
         RAISE EXCEPTION 'the audit trail is append-only';
     END $$;
     CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
         FOR EACH ROW EXECUTE FUNCTION audit_is_append_only();
     DO $$
     DECLARE till_role RECORD;
     BEGIN
         FOR till_role IN SELECT role_name FROM till_roles LOOP
             EXECUTE format('GRANT SELECT, INSERT ON audit TO %I', till_role.role_name);
         END LOOP;
     END $$;",
    // Refunds (退款), each its own row tied to its sale by order number, pushed with the orders:
    // append-only like the trail, a till role adding only its own till's. Till roles made
    // before get the right to add.
    "CREATE TABLE refunds (
         install_id TEXT   NOT NULL,
         local_id   BIGINT NOT NULL,
         till_id    TEXT   NOT NULL,
         order_no   TEXT   NOT NULL,
         amount_li  BIGINT NOT NULL CHECK (amount_li > 0),
         way        TEXT   NOT NULL CHECK (way IN ('cash', 'back_office')),
         reason     TEXT   NOT NULL,
         who        TEXT   NOT NULL,
         at_ms      BIGINT NOT NULL,
         pushed_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
         PRIMARY KEY (install_id, local_id)
     );
     CREATE INDEX refunds_by_order ON refunds (order_no);
     CREATE INDEX refunds_by_time ON refunds (at_ms);
     ALTER TABLE refunds ENABLE ROW LEVEL SECURITY;
     CREATE POLICY refunds_read ON refunds FOR SELECT USING (true);
     CREATE POLICY refunds_insert ON refunds FOR INSERT WITH CHECK (till_id = store_till());
     CREATE FUNCTION refunds_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
         RAISE EXCEPTION 'refunds are append-only';
     END $$;
     CREATE TRIGGER refunds_append_only BEFORE UPDATE OR DELETE ON refunds
         FOR EACH ROW EXECUTE FUNCTION refunds_are_append_only();
     DO $$
     DECLARE till_role RECORD;
     BEGIN
         FOR till_role IN SELECT role_name FROM till_roles LOOP
             EXECUTE format('GRANT SELECT, INSERT ON refunds TO %I', till_role.role_name);
         END LOOP;
     END $$;",
];

/// A number no other user of the database takes advisory locks on: "cashier" in ASCII.
const MIGRATION_LOCK: i64 = 0x63_61_73_68_69_65_72;

/// Brings the schema up to date.
pub async fn migrate(client: &mut Client) -> Result<(), tokio_postgres::Error> {
    // Up to date already: nothing is created, so a till's own role (which may create nothing)
    // connects as well as the owner's.
    let latest = i32::try_from(MIGRATIONS.len()).unwrap_or(i32::MAX);
    let known: bool = client
        .query_one("SELECT to_regclass('store_schema') IS NOT NULL", &[])
        .await?
        .get(0);
    let mut applied = 0;
    if known {
        applied = client
            .query_one("SELECT coalesce(max(version), 0) FROM store_schema", &[])
            .await?
            .get(0);
        if applied >= latest {
            return Ok(());
        }
    }
    // A till's own role on a store an older version made migrates nothing (what it made would
    // be its own, out of the owner's hands): it sells on the schema there, and what a later
    // migration adds waits for the owner's connection.
    if applied >= TILL_ROLES {
        let owner: bool = client
            .query_one(
                "SELECT pg_get_userbyid(relowner) = current_user
                     OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
                 FROM pg_class WHERE oid = 'orders'::regclass",
                &[],
            )
            .await?
            .get(0);
        if !owner {
            tracing::warn!(
                applied,
                latest,
                "the store's schema is older; the owner's connection brings it up to date"
            );
            return Ok(());
        }
    }
    apply(client).await
}

/// The migration that made one role per till: from it on, a till may connect as its own role.
const TILL_ROLES: i32 = 4;

/// Applies the migrations not applied yet, in one transaction.
async fn apply(client: &mut Client) -> Result<(), tokio_postgres::Error> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS store_schema (version INTEGER NOT NULL)")
        .await?;
    let applied: i32 = tx
        .query_one("SELECT coalesce(max(version), 0) FROM store_schema", &[])
        .await?
        .get(0);
    for (index, migration) in MIGRATIONS.iter().enumerate() {
        let version = i32::try_from(index + 1).unwrap_or(i32::MAX);
        if version > applied {
            tx.batch_execute(migration).await?;
            tx.execute(
                "INSERT INTO store_schema (version) VALUES ($1)",
                &[&version],
            )
            .await?;
        }
    }
    tx.commit().await
}
