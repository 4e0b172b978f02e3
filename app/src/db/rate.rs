//! Events counted by rate limits, decided and recorded in one transaction.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use super::{now, on_pool, on_tx, Db};

/// One limit an attempt must pass: the events of `subject` in `scope` within `window`.
#[derive(Debug, Clone, Copy)]
pub struct Gate<'a> {
    pub scope: &'static str,
    pub subject: &'a str,
    pub window: TimeDelta,
}

/// What a gate's subject has had in its window: how many events, the latest when.
pub type Seen = (i64, Option<DateTime<Utc>>);

/// Locks each gate's subject, reads its events, and asks `decide` (given the time and what
/// each gate has seen, in the gates' order) whether the attempt must wait. When it need not,
/// records one event per gate and returns their ids — all in one transaction, so concurrent
/// attempts on one subject are decided one after another, on one instance or several.
pub async fn admit(
    db: &Db,
    gates: &[Gate<'_>],
    decide: impl FnOnce(DateTime<Utc>, &[Seen]) -> Option<Duration>,
) -> Result<Result<Vec<i64>, Duration>, sqlx::Error> {
    let now = now();
    let mut tx = db.begin_write().await?;
    // Always in one order, so two attempts that share subjects cannot wait on each other.
    let mut order: Vec<&Gate> = gates.iter().collect();
    order.sort_by_key(|g| (g.scope, g.subject));
    order.dedup_by_key(|g| (g.scope, g.subject));
    for gate in order {
        on_tx!(&mut tx, conn => {
            sqlx::query(
                "INSERT INTO rate_subjects (scope, subject, touched_at) VALUES ($1, $2, $3)
                 ON CONFLICT (scope, subject) DO UPDATE SET touched_at = excluded.touched_at",
            )
            .bind(gate.scope)
            .bind(gate.subject)
            .bind(now)
            .execute(conn)
            .await
            .map(|_| ())
        })?;
    }
    let mut seen = Vec::with_capacity(gates.len());
    for gate in gates {
        seen.push(on_tx!(&mut tx, conn => {
            sqlx::query_as(
                "SELECT COUNT(*), MAX(occurred_at) FROM rate_events
                 WHERE scope = $1 AND subject = $2 AND occurred_at > $3",
            )
            .bind(gate.scope)
            .bind(gate.subject)
            .bind(now - gate.window)
            .fetch_one(conn)
            .await
        })?);
    }
    if let Some(wait) = decide(now, &seen) {
        // Committed, not dropped: only `touched_at` changed, and a rollback is what SQLite
        // connections are closed after (see `connect::out_of_transaction`).
        tx.commit().await?;
        return Ok(Err(wait));
    }
    let mut ids = Vec::with_capacity(gates.len());
    for gate in gates {
        let (id,): (i64,) = on_tx!(&mut tx, conn => {
            sqlx::query_as(
                "INSERT INTO rate_events (scope, subject, occurred_at) VALUES ($1, $2, $3)
                 RETURNING id",
            )
            .bind(gate.scope)
            .bind(gate.subject)
            .bind(now)
            .fetch_one(conn)
            .await
        })?;
        ids.push(id);
    }
    tx.commit().await?;
    Ok(Ok(ids))
}

/// Takes back events recorded by [`admit`] for an attempt that turned out not to count.
pub async fn forget(db: &Db, ids: &[i64]) -> Result<(), sqlx::Error> {
    for id in ids {
        on_pool!(db, pool => {
            sqlx::query("DELETE FROM rate_events WHERE id = $1")
                .bind(id)
                .execute(pool)
                .await
                .map(|_| ())
        })?;
    }
    Ok(())
}

pub async fn clear(db: &Db, scope: &str, subject: &str) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query("DELETE FROM rate_events WHERE scope = $1 AND subject = $2")
            .bind(scope)
            .bind(subject)
            .execute(pool)
            .await
            .map(|_| ())
    })
}

/// Deletes events, and subjects without a decision, older than any limit looks at.
pub async fn prune(db: &Db, before: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    let subjects = on_pool!(db, pool => {
        sqlx::query("DELETE FROM rate_subjects WHERE touched_at < $1")
            .bind(before)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    let events = on_pool!(db, pool => {
        sqlx::query("DELETE FROM rate_events WHERE occurred_at < $1")
            .bind(before)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(subjects + events)
}
