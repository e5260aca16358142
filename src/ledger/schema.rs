//! The ledger's schema, as versioned migrations. A migration once released is never edited:
//! changes come as new ones.

use rusqlite_migration::{M, Migrations};

/// Every migration, oldest first.
#[must_use]
pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(
            "CREATE TABLE orders (
            id               INTEGER PRIMARY KEY,
            order_no         TEXT    NOT NULL UNIQUE,
            provider         TEXT    NOT NULL,
            merchant_id      TEXT    NOT NULL,
            till_id          TEXT    NOT NULL,
            method           TEXT    NOT NULL,
            amount_li        INTEGER NOT NULL CHECK (amount_li > 0),
            paid_li          INTEGER,
            status           TEXT    NOT NULL,
            gateway_order_no TEXT,
            shown            TEXT,
            auth_code_masked TEXT,
            description      TEXT    NOT NULL,
            created_at_ms    INTEGER NOT NULL,
            updated_at_ms    INTEGER NOT NULL,
            paid_at_ms       INTEGER,
            last_error       TEXT,
            late             INTEGER NOT NULL DEFAULT 0,
            repeat_of        TEXT,
            next_query_at_ms INTEGER,
            query_attempts   INTEGER NOT NULL DEFAULT 0
        ) STRICT;

        -- A day's totals and orders are range scans of this index, which covers the totals.
        CREATE INDEX orders_by_time ON orders (created_at_ms, status, method, amount_li, paid_li);

        -- The few orders still open, without scanning millions that are not.
        CREATE INDEX orders_open ON orders (created_at_ms)
            WHERE status IN ('creating', 'pending', 'unresolved', 'amount_mismatch');

        CREATE TABLE order_events (
            id             INTEGER PRIMARY KEY,
            order_id       INTEGER NOT NULL REFERENCES orders (id),
            at_ms          INTEGER NOT NULL,
            from_status    TEXT,
            to_status      TEXT    NOT NULL,
            source         TEXT    NOT NULL,
            gateway_status TEXT,
            detail         TEXT
        ) STRICT;

        CREATE INDEX order_events_by_order ON order_events (order_id, id);",
        ),
        // Whether the gateway acknowledged the create, so "not found" later never fails it; and
        // why a person must look at an order. Orders that ever were pending were acknowledged.
        M::up(
            "ALTER TABLE orders ADD COLUMN acknowledged INTEGER NOT NULL DEFAULT 0;
             ALTER TABLE orders ADD COLUMN check_reason TEXT;
             UPDATE orders SET acknowledged = 1
              WHERE id IN (SELECT order_id FROM order_events WHERE to_status = 'pending');",
        ),
        M::up(STORE_OUTBOX),
        M::up(PAID_BY_HOUR),
        M::up(SHIFTS),
        M::up(IDENTITY_AND_VERSION),
        M::up(AUDIT),
        M::up(CASHIERS),
        // The last audit entry the store took: the trail reaches the store with the orders.
        M::up("ALTER TABLE store_link ADD COLUMN audit_pushed INTEGER NOT NULL DEFAULT 0;"),
        M::up(REFUNDS_AND_VOIDS),
        // The last refund the store took: refunds reach the store as rows of their own.
        M::up("ALTER TABLE store_link ADD COLUMN refunds_pushed INTEGER NOT NULL DEFAULT 0;"),
    ])
}

/// Refunds (退款), each its own row tied to its sale and to the shift whose drawer it came out
/// of; and voids (作废) of unresolved orders, kept on the order (it stays unresolved, so a late
/// payment still lands on it, and is queried for a day more).
const REFUNDS_AND_VOIDS: &str = "CREATE TABLE refunds (
         id        INTEGER PRIMARY KEY,
         order_id  INTEGER NOT NULL REFERENCES orders (id),
         shift_id  INTEGER REFERENCES shifts (id),
         amount_li INTEGER NOT NULL CHECK (amount_li > 0),
         way       TEXT    NOT NULL CHECK (way IN ('cash', 'back_office')),
         reason    TEXT    NOT NULL,
         who       TEXT    NOT NULL,
         at_ms     INTEGER NOT NULL
     ) STRICT;
     CREATE INDEX refunds_by_order ON refunds (order_id);
     CREATE INDEX refunds_by_time ON refunds (at_ms);
     CREATE INDEX refunds_by_shift ON refunds (shift_id);
     ALTER TABLE orders ADD COLUMN voided_at_ms INTEGER;
     ALTER TABLE orders ADD COLUMN void_reason TEXT;";

/// The cashiers who sign in at this till (`cashiers.rs`), each with a PIN's hash; a removed one
/// is kept (its name is on old shifts) but signs in no more.
const CASHIERS: &str = "CREATE TABLE cashiers (
         name          TEXT    PRIMARY KEY,
         pin_hash      TEXT    NOT NULL,
         added_at_ms   INTEGER NOT NULL,
         removed_at_ms INTEGER
     ) STRICT;";

/// What people did that touches the money or where it goes (`audit.rs`): append-only, enforced
/// by triggers, so an entry is never altered or removed through SQL either.
const AUDIT: &str = "CREATE TABLE audit (
         id     INTEGER PRIMARY KEY,
         at_ms  INTEGER NOT NULL,
         who    TEXT    NOT NULL,
         action TEXT    NOT NULL,
         detail TEXT    NOT NULL DEFAULT ''
     ) STRICT;
     CREATE INDEX audit_at ON audit (at_ms);
     CREATE TRIGGER audit_never_changed BEFORE UPDATE ON audit
     BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
     CREATE TRIGGER audit_never_removed BEFORE DELETE ON audit
     BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;";

/// The till's own identity, drawn once when the ledger is created (six characters of Crockford's
/// base 32 from SQLite's `random()`, which reads the OS's randomness), carried by every order number
/// (`order_no.rs`) and claimed in the store; and a version per order, raised by every update,
/// which orders the store's copies (never the tills' clocks, which can be hours apart).
const IDENTITY_AND_VERSION: &str = "CREATE TABLE till_identity (
         id         INTEGER PRIMARY KEY CHECK (id = 1),
         install_id TEXT    NOT NULL
     ) STRICT;
     INSERT INTO till_identity (id, install_id) VALUES (1,
         substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', 1 + (random() & 31), 1) ||
         substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', 1 + (random() & 31), 1) ||
         substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', 1 + (random() & 31), 1) ||
         substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', 1 + (random() & 31), 1) ||
         substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', 1 + (random() & 31), 1) ||
         substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', 1 + (random() & 31), 1));
     ALTER TABLE orders ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
     CREATE TRIGGER orders_versioned AFTER UPDATE ON orders WHEN NEW.version = OLD.version
     BEGIN
         UPDATE orders SET version = OLD.version + 1 WHERE id = NEW.id;
     END;
     -- The re-query tick's orders (open ones, and failed ones due a re-check) are the few with a
     -- next query time: found without walking a million orders every 30 s.
     CREATE INDEX orders_due ON orders (next_query_at_ms) WHERE next_query_at_ms IS NOT NULL;";

/// Shifts (班次): who sold from when to when with which float, and the closing report kept as
/// printed. At most one is open. Every order belongs to the shift open when it was written; cash
/// orders keep what the customer handed over.
const SHIFTS: &str = "CREATE TABLE shifts (
         id           INTEGER PRIMARY KEY,
         cashier      TEXT    NOT NULL,
         float_li     INTEGER NOT NULL CHECK (float_li >= 0),
         opened_at_ms INTEGER NOT NULL,
         closed_at_ms INTEGER,
         counted_li   INTEGER,
         implicit     INTEGER NOT NULL DEFAULT 0,
         report       TEXT
     ) STRICT;
     CREATE UNIQUE INDEX shifts_one_open ON shifts ((closed_at_ms IS NULL))
         WHERE closed_at_ms IS NULL;
     ALTER TABLE orders ADD COLUMN shift_id INTEGER REFERENCES shifts (id);
     ALTER TABLE orders ADD COLUMN tendered_li INTEGER;
     CREATE INDEX orders_by_shift ON orders (shift_id, status, method) WHERE shift_id IS NOT NULL;
     CREATE INDEX orders_late ON orders (id) WHERE late = 1;";

/// The store outbox: orders changed since the store ledger (PostgreSQL) last took them.
/// `changes` counts changes, so a push clears only the state it sent. Filled only once
/// this till is linked to a store, so a lone till's outbox stays empty.
const STORE_OUTBOX: &str = "CREATE TABLE store_link (
         id      INTEGER PRIMARY KEY CHECK (id = 1),
         enabled INTEGER NOT NULL
     ) STRICT;
     INSERT INTO store_link (id, enabled) VALUES (1, 0);
     CREATE TABLE store_outbox (
         order_id INTEGER PRIMARY KEY REFERENCES orders (id),
         changes  INTEGER NOT NULL
     ) STRICT;
     CREATE TRIGGER orders_inserted_for_store AFTER INSERT ON orders
     WHEN (SELECT enabled FROM store_link WHERE id = 1) = 1
     BEGIN
         INSERT INTO store_outbox (order_id, changes) VALUES (NEW.id, 1)
         ON CONFLICT (order_id) DO UPDATE SET changes = changes + 1;
     END;
     CREATE TRIGGER orders_updated_for_store AFTER UPDATE ON orders
     WHEN (SELECT enabled FROM store_link WHERE id = 1) = 1
     BEGIN
         INSERT INTO store_outbox (order_id, changes) VALUES (NEW.id, 1)
         ON CONFLICT (order_id) DO UPDATE SET changes = changes + 1;
     END;";

/// Paid orders per UTC hour, kept by triggers with the orders: the 30-day chart sums 720
/// rows instead of scanning ~80,000 orders. Hours, so any whole-hour zone makes days.
const PAID_BY_HOUR: &str = "CREATE TABLE paid_by_hour (
         hour       INTEGER PRIMARY KEY,
         paid_count INTEGER NOT NULL,
         paid_li    INTEGER NOT NULL
     ) STRICT;
     INSERT INTO paid_by_hour (hour, paid_count, paid_li)
         SELECT created_at_ms / 3600000, count(*), coalesce(sum(paid_li), 0)
         FROM orders WHERE status = 'paid' GROUP BY created_at_ms / 3600000;
     CREATE TRIGGER paid_hour_inserted AFTER INSERT ON orders WHEN NEW.status = 'paid'
     BEGIN
         INSERT INTO paid_by_hour (hour, paid_count, paid_li)
         VALUES (NEW.created_at_ms / 3600000, 1, coalesce(NEW.paid_li, 0))
         ON CONFLICT (hour) DO UPDATE SET paid_count = paid_count + 1,
             paid_li = paid_li + excluded.paid_li;
     END;
     CREATE TRIGGER paid_hour_left AFTER UPDATE OF status, paid_li ON orders
     WHEN OLD.status = 'paid'
     BEGIN
         UPDATE paid_by_hour SET paid_count = paid_count - 1,
             paid_li = paid_li - coalesce(OLD.paid_li, 0)
         WHERE hour = OLD.created_at_ms / 3600000;
     END;
     CREATE TRIGGER paid_hour_entered AFTER UPDATE OF status, paid_li ON orders
     WHEN NEW.status = 'paid'
     BEGIN
         INSERT INTO paid_by_hour (hour, paid_count, paid_li)
         VALUES (NEW.created_at_ms / 3600000, 1, coalesce(NEW.paid_li, 0))
         ON CONFLICT (hour) DO UPDATE SET paid_count = paid_count + 1,
             paid_li = paid_li + excluded.paid_li;
     END;
     CREATE TRIGGER paid_hour_deleted AFTER DELETE ON orders WHEN OLD.status = 'paid'
     BEGIN
         UPDATE paid_by_hour SET paid_count = paid_count - 1,
             paid_li = paid_li - coalesce(OLD.paid_li, 0)
         WHERE hour = OLD.created_at_ms / 3600000;
     END;";

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        assert!(super::migrations().validate().is_ok());
    }
}
