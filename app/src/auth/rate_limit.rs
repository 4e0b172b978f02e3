//! Rate limits on logins, registrations, comments and contact messages. Events are counted
//! in the database (table `rate_events`), so limits hold across restarts and instances, and
//! an attempt is let through and counted in one step ([`admit`]), so attempts sent at the
//! same moment cannot all slip in before any of them is counted.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::db::{self, Db};

/// How many events are free within `window`; each one beyond doubles the wait, starting at
/// `first_wait`, up to `max_wait`, counted from the latest event.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub scope: &'static str,
    pub free: i64,
    pub window: Duration,
    pub first_wait: Duration,
    pub max_wait: Duration,
}

/// Failed logins for one account (whether it exists or not, so limits reveal nothing).
pub const LOGIN_PER_ACCOUNT: Policy = Policy {
    scope: "login-account",
    free: 5,
    window: Duration::from_secs(15 * 60),
    first_wait: Duration::from_secs(30),
    max_wait: Duration::from_secs(15 * 60),
};

/// Failed logins from one client address, over all accounts (looser: addresses are shared).
pub const LOGIN_PER_ADDRESS: Policy = Policy {
    scope: "login-address",
    free: 20,
    window: Duration::from_secs(15 * 60),
    first_wait: Duration::from_secs(30),
    max_wait: Duration::from_secs(15 * 60),
};

/// New accounts from one client address (`free` comes from the configuration).
pub const REGISTER_PER_ADDRESS: Policy = Policy {
    scope: "register-address",
    free: 5,
    window: Duration::from_secs(60 * 60),
    first_wait: Duration::from_secs(60),
    max_wait: Duration::from_secs(60 * 60),
};

/// Comments by one account (`free` comes from the configuration). The admin is exempt.
pub const COMMENT_PER_ACCOUNT: Policy = Policy {
    scope: "comment-account",
    free: 30,
    window: Duration::from_secs(60 * 60),
    first_wait: Duration::from_secs(60),
    max_wait: Duration::from_secs(60 * 60),
};

/// Contact messages from one client address.
pub const CONTACT_PER_ADDRESS: Policy = Policy {
    scope: "contact-address",
    free: 5,
    window: Duration::from_secs(60 * 60),
    first_wait: Duration::from_secs(60),
    max_wait: Duration::from_secs(60 * 60),
};

impl Policy {
    /// How long to wait after `count` events in the window, the latest at `latest`.
    pub fn wait(&self, count: i64, latest: DateTime<Utc>, now: DateTime<Utc>) -> Option<Duration> {
        if count < self.free {
            return None;
        }
        let doublings = u32::try_from(count - self.free).unwrap_or(u32::MAX).min(16);
        let wait = self
            .first_wait
            .saturating_mul(1 << doublings)
            .min(self.max_wait);
        let until = latest + TimeDelta::from_std(wait).unwrap_or(TimeDelta::MAX);
        (until > now).then(|| (until - now).to_std().unwrap_or_default())
    }

    pub async fn clear(&self, db: &Db, subject: &str) -> Result<(), sqlx::Error> {
        db::rate::clear(db, self.scope, subject).await
    }
}

/// An attempt its limits let through, already counted as one event of each.
#[must_use = "an attempt that turns out not to count must be forgiven"]
#[derive(Debug)]
pub struct Admitted {
    events: Vec<i64>,
}

impl Admitted {
    /// Takes the attempt's events back: it turned out not to count (a correct password, a
    /// comment that was not saved). A failure is logged rather than returned: what the caller
    /// must hear is the attempt's own outcome, and the cost is one event too many.
    pub async fn forgive(self, db: &Db) {
        if let Err(e) = db::rate::forget(db, &self.events).await {
            tracing::warn!(error = %e, "could not take back a rate-limit event");
        }
    }
}

/// Lets an attempt through when every limit allows it, counting it against each, or returns
/// the longest wait — decided and recorded in one transaction.
pub async fn admit(
    db: &Db,
    limits: &[(Policy, &str)],
) -> Result<Result<Admitted, Duration>, sqlx::Error> {
    let gates: Vec<db::rate::Gate> = limits
        .iter()
        .map(|(policy, subject)| db::rate::Gate {
            scope: policy.scope,
            subject,
            window: TimeDelta::from_std(policy.window).unwrap_or(TimeDelta::MAX),
        })
        .collect();
    let decision = db::rate::admit(db, &gates, |now, seen| {
        limits
            .iter()
            .zip(seen)
            .filter_map(|((policy, _), (count, latest))| {
                latest.and_then(|latest| policy.wait(*count, latest, now))
            })
            .max()
    })
    .await?;
    Ok(decision.map(|events| Admitted { events }))
}

/// "Try again in 3 minutes." — rounded up, so it is never too early.
pub fn retry_message(what: &str, wait: Duration) -> String {
    let secs = wait.as_secs().max(1);
    let when = if secs < 60 {
        format!("{secs} second{}", if secs == 1 { "" } else { "s" })
    } else {
        let mins = secs.div_ceil(60);
        format!("{mins} minute{}", if mins == 1 { "" } else { "s" })
    };
    format!("{what} Try again in {when}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + secs, 0).unwrap()
    }

    #[test]
    fn the_first_failures_are_free() {
        for count in 0..5 {
            assert_eq!(LOGIN_PER_ACCOUNT.wait(count, at(0), at(0)), None);
        }
    }

    #[test]
    fn the_wait_doubles_with_each_failure_beyond_the_free_ones() {
        let p = LOGIN_PER_ACCOUNT;
        assert_eq!(p.wait(5, at(0), at(0)), Some(Duration::from_secs(30)));
        assert_eq!(p.wait(6, at(0), at(0)), Some(Duration::from_secs(60)));
        assert_eq!(p.wait(7, at(0), at(0)), Some(Duration::from_secs(120)));
        assert_eq!(
            p.wait(50, at(0), at(0)),
            Some(Duration::from_secs(15 * 60)),
            "capped"
        );
    }

    #[test]
    fn the_wait_runs_from_the_latest_failure() {
        let p = LOGIN_PER_ACCOUNT;
        assert_eq!(p.wait(5, at(0), at(20)), Some(Duration::from_secs(10)));
        assert_eq!(p.wait(5, at(0), at(30)), None);
    }

    #[test]
    fn messages_round_up() {
        assert_eq!(
            retry_message("Slow down.", Duration::from_secs(1)),
            "Slow down. Try again in 1 second."
        );
        assert_eq!(
            retry_message("Slow down.", Duration::from_secs(61)),
            "Slow down. Try again in 2 minutes."
        );
    }
}
