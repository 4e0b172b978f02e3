//! The sender: takes queued mail from the outbox one at a time and hands it to the SMTP
//! server, on every instance at once without sending anything twice (see
//! [`crate::db::outbox::claim`]).

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use super::Mailer;
use crate::db::{self, Db};

/// Tries per mail: with a first wait of a minute, the last is about two days after the
/// first. After that it stays in the outbox, unsent, with its last error for the admin.
pub const MAX_ATTEMPTS: i32 = 12;

/// The outbox `kind` of a post mailed to a subscriber.
pub const NEWSLETTER_KIND: &str = "post";

/// The longest wait between two tries.
const LONGEST_WAIT: Duration = Duration::from_secs(6 * 60 * 60);

/// The longest the outbox goes unread without being woken: mail queued by another instance
/// waits at most this long. Retries are due at known times and are slept to exactly.
const LOOK_EVERY: Duration = Duration::from_secs(15);

/// When to try again after `attempts` failed tries: `first`, doubled per further failure.
pub fn retry_at(now: DateTime<Utc>, first: Duration, attempts: i32) -> DateTime<Utc> {
    let doublings = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(16);
    let wait = first.saturating_mul(1 << doublings).min(LONGEST_WAIT);
    now + TimeDelta::from_std(wait).unwrap_or(TimeDelta::MAX)
}

/// Sends what is due, then waits to be woken or for the next look; runs for the life of
/// the server.
pub async fn deliver(db: Db, mailer: Arc<Mailer>) {
    loop {
        while send_one(&db, &mailer).await {}
        let until_due = match db::outbox::next_due(&db, MAX_ATTEMPTS).await {
            Ok(Some(due)) => (due - db::now()).to_std().unwrap_or_default(),
            Ok(None) => LOOK_EVERY,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the outbox");
                LOOK_EVERY
            }
        };
        tokio::select! {
            _ = mailer.queued.notified() => {}
            _ = tokio::time::sleep(until_due.min(LOOK_EVERY)) => {}
        }
    }
}

/// Sends the next due mail; `false` when there was none (or the outbox cannot be read).
async fn send_one(db: &Db, mailer: &Mailer) -> bool {
    let lease_until = db::now() + TimeDelta::from_std(mailer.lease).unwrap_or(TimeDelta::MAX);
    let mail = match db::outbox::claim(db, lease_until, MAX_ATTEMPTS).await {
        Ok(Some(mail)) => mail,
        Ok(None) => return false,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the outbox");
            return false;
        }
    };
    let newsletter = mail.kind == NEWSLETTER_KIND;
    let recorded = match mailer.send(&mail).await {
        Ok(()) => {
            tracing::info!(mail.id = mail.id, mail.kind = %mail.kind, "mail sent");
            let sent = db::outbox::mark_sent(db, mail.id).await;
            if newsletter {
                if let Err(e) = db::subscribers::delivered(db, mail.id).await {
                    tracing::warn!(mail.id = mail.id, error = %e, "cannot record a delivery");
                }
            }
            sent
        }
        Err(error) if error.permanent && newsletter => {
            // The address is refused for good: counted against its subscriber, not retried.
            tracing::warn!(mail.id = mail.id, error = %error.message, "newsletter mail refused");
            let given_up = db::outbox::give_up(db, mail.id, &error.message, MAX_ATTEMPTS).await;
            match db::subscribers::bounced(db, mail.id, mailer.newsletter_bounces).await {
                Ok(()) => given_up,
                Err(e) => Err(e),
            }
        }
        Err(error) => {
            let error = error.message;
            let retry = retry_at(db::now(), mailer.retry, mail.attempts);
            tracing::warn!(
                mail.id = mail.id,
                mail.kind = %mail.kind,
                attempt = mail.attempts,
                %error,
                "mail not sent; it stays in the outbox"
            );
            db::outbox::mark_failed(db, mail.id, &error, retry).await
        }
    };
    if let Err(e) = recorded {
        // The lease runs out and the mail is tried again: at worst sent twice, never lost.
        tracing::warn!(mail.id = mail.id, error = %e, "cannot record a send in the outbox");
    }
    if newsletter {
        tokio::time::sleep(mailer.newsletter_gap).await;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::outbox::{claim, enqueue, mark_failed, mark_sent, next_due, NewMail};

    #[tokio::test]
    async fn a_claimed_mail_waits_for_its_lease_and_a_sent_one_is_done() {
        let state = crate::service::testing::state().await;
        let db = &state.db;
        let mut tx = db.begin_write().await.unwrap();
        let mail = NewMail {
            kind: "contact",
            recipient: "owner@example.test",
            reply_to: None,
            subject: "Hello",
            text_body: "Hello",
            html_body: None,
            message_id: None,
            list_unsubscribe: None,
        };
        enqueue(&mut tx, &mail).await.unwrap();
        tx.commit().await.unwrap();

        let lease = db::now() + TimeDelta::minutes(5);
        let first = claim(db, lease, MAX_ATTEMPTS).await.unwrap().unwrap();
        assert_eq!(first.attempts, 1);
        assert!(
            claim(db, lease, MAX_ATTEMPTS).await.unwrap().is_none(),
            "another sender must not take a mail being sent"
        );
        mark_failed(db, first.id, "refused", db::now())
            .await
            .unwrap();
        let second = claim(db, lease, MAX_ATTEMPTS).await.unwrap().unwrap();
        assert_eq!((second.id, second.attempts), (first.id, 2));
        mark_sent(db, second.id).await.unwrap();
        mark_failed(db, second.id, "late", db::now()).await.unwrap();
        assert!(claim(db, lease, MAX_ATTEMPTS).await.unwrap().is_none());
        assert_eq!(next_due(db, MAX_ATTEMPTS).await.unwrap(), None);
    }

    #[test]
    fn the_wait_doubles_up_to_six_hours() {
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let minute = Duration::from_secs(60);
        let after = |attempts| (retry_at(now, minute, attempts) - now).num_minutes();
        assert_eq!(after(1), 1);
        assert_eq!(after(2), 2);
        assert_eq!(after(5), 16);
        assert_eq!(after(MAX_ATTEMPTS), 6 * 60);
    }
}
