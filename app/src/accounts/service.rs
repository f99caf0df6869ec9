//! The accounts SQL. Every query that reads a customer's accounts names the customer in its
//! WHERE clause: another customer's account id finds nothing.

use super::filter::{Direction, Filter};
use super::{AccountKind, AccountStatus, AccountSummary, HistoryPage, TxRow};
use crate::money::Currency;
use crate::state::SigningKey;
use chrono::{Datelike, NaiveDate};
use hmac::{Hmac, Mac};
use sqlx::AnyPool;

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: i64,
    customer_id: i64,
    kind: String,
    product_name: String,
    masked_number: String,
    currency: String,
    ledger_balance_minor: i64,
    available_balance_minor: i64,
    limit_minor: Option<i64>,
    rate_bp: Option<i64>,
    opened_on: String,
    matures_on: Option<String>,
    due_day: Option<i64>,
    status: String,
}

impl TryFrom<AccountRow> for AccountSummary {
    type Error = sqlx::Error;

    fn try_from(r: AccountRow) -> Result<Self, sqlx::Error> {
        let bad =
            |what: &str, value: &str| sqlx::Error::Decode(format!("account {}: bad {what} {value:?}", r.id).into());
        let date = |text: &str| text.parse::<NaiveDate>().map_err(|_| bad("date", text));
        Ok(AccountSummary {
            id: r.id,
            kind: AccountKind::parse(&r.kind).ok_or_else(|| bad("kind", &r.kind))?,
            product_name: r.product_name.clone(),
            masked_number: r.masked_number.clone(),
            currency: Currency::parse(&r.currency).map_err(|_| bad("currency", &r.currency))?,
            ledger_minor: r.ledger_balance_minor,
            available_minor: r.available_balance_minor,
            limit_minor: r.limit_minor,
            rate_bp: r.rate_bp,
            opened_on: date(&r.opened_on)?,
            matures_on: r.matures_on.as_deref().map(date).transpose()?,
            due_day: r.due_day.and_then(|d| u32::try_from(d).ok()),
            status: AccountStatus::parse(&r.status).ok_or_else(|| bad("status", &r.status))?,
        })
    }
}

const ACCOUNT_COLUMNS: &str = "SELECT id, customer_id, kind, product_name, masked_number, currency, ledger_balance_minor, \
     available_balance_minor, limit_minor, rate_bp, opened_on, matures_on, due_day, status FROM accounts";

/// Every account of the customer, in a stable order.
pub async fn accounts_of(pool: &AnyPool, customer_id: i64) -> Result<Vec<AccountSummary>, sqlx::Error> {
    let rows: Vec<AccountRow> = sqlx::query_as(&format!("{ACCOUNT_COLUMNS} WHERE customer_id = $1 ORDER BY id"))
        .bind(customer_id)
        .fetch_all(pool)
        .await?;
    rows.into_iter().map(AccountSummary::try_from).collect()
}

/// Open accounts the alert job may have something to say about, each with its owner: cards and
/// loans (due dates), and accounts with a balance alert set or waiting to be re-armed. Only
/// `account_id` when given.
pub async fn alertable_accounts(
    pool: &AnyPool,
    account_id: Option<i64>,
) -> Result<Vec<(i64, AccountSummary)>, sqlx::Error> {
    let sql = format!(
        "{ACCOUNT_COLUMNS} WHERE status <> 'closed' AND (kind IN ('credit_card', 'loan') OR id IN \
         (SELECT account_id FROM account_alerts WHERE low_balance_minor IS NOT NULL OR low_balance_alerted_at IS NOT NULL)) \
         AND ($1 = 0 OR id = $1) ORDER BY id"
    );
    let rows: Vec<AccountRow> = sqlx::query_as(&sql).bind(account_id.unwrap_or(0)).fetch_all(pool).await?;
    rows.into_iter().map(|r| Ok((r.customer_id, AccountSummary::try_from(r)?))).collect()
}

/// The account if it is the customer's; `None` for anyone else's and for made-up ids alike.
pub async fn account_of(
    pool: &AnyPool,
    customer_id: i64,
    account_id: i64,
) -> Result<Option<AccountSummary>, sqlx::Error> {
    let row: Option<AccountRow> = sqlx::query_as(&format!("{ACCOUNT_COLUMNS} WHERE id = $1 AND customer_id = $2"))
        .bind(account_id)
        .bind(customer_id)
        .fetch_optional(pool)
        .await?;
    row.map(AccountSummary::try_from).transpose()
}

/// The full account number, for "show full number" after a fresh code (the customer's own only).
pub async fn full_number_of(pool: &AnyPool, customer_id: i64, account_id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT number FROM accounts WHERE id = $1 AND customer_id = $2")
        .bind(account_id)
        .bind(customer_id)
        .fetch_optional(pool)
        .await
}

/// Midnight at the start of `date` in China (UTC+8), as unix seconds.
pub fn china_midnight(date: NaiveDate) -> i64 {
    date.and_hms_opt(0, 0, 0).map_or(0, |d| d.and_utc().timestamp()) - 8 * 3600
}

fn cursor_tag(key: &SigningKey, account_id: i64, booked_at: i64, id: i64) -> String {
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(key.expose()).expect("HMAC takes keys of any length");
    mac.update(format!("history-cursor:{account_id}:{booked_at}:{id}").as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..12])
}

/// The position after the last row shown, "<booked_at>.<id>.<tag>": the tag is a keyed hash, so
/// a cursor edited by hand (or taken from another account) is refused rather than obeyed.
pub fn encode_cursor(key: &SigningKey, account_id: i64, booked_at: i64, id: i64) -> String {
    format!("{booked_at}.{id}.{}", cursor_tag(key, account_id, booked_at, id))
}

pub fn decode_cursor(key: &SigningKey, account_id: i64, text: &str) -> Option<(i64, i64)> {
    let mut parts = text.splitn(3, '.');
    let booked_at: i64 = parts.next()?.parse().ok()?;
    let id: i64 = parts.next()?.parse().ok()?;
    let tag = parts.next()?;
    let expected = cursor_tag(key, account_id, booked_at, id);
    // Constant-time enough for a 24-character tag: compare every byte.
    (tag.len() == expected.len() && tag.bytes().zip(expected.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0)
        .then_some((booked_at, id))
}

/// A value bound to a numbered placeholder.
enum Arg {
    Int(i64),
    Text(String),
}

/// `LIKE` pattern for text anywhere, with the pattern characters in the text taken literally.
fn contains_pattern(text: &str) -> String {
    let escaped = text.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// One page of the account's history under `filter`, newest first, strictly after `after`
/// (keyset: no OFFSET, so a page costs the same however deep, and rows booked meanwhile do not
/// shift it).
pub async fn history(
    pool: &AnyPool,
    key: &SigningKey,
    account_id: i64,
    filter: &Filter,
    after: Option<(i64, i64)>,
    page_size: i64,
) -> Result<HistoryPage, sqlx::Error> {
    let mut sql = String::from(
        "SELECT id, booked_at, description, counterparty, category, amount_minor, balance_after_minor \
         FROM transactions WHERE account_id = $1 AND booked_at >= $2 AND booked_at < $3",
    );
    let mut args = vec![
        Arg::Int(account_id),
        Arg::Int(china_midnight(filter.from)),
        Arg::Int(china_midnight(filter.to + chrono::Duration::days(1))),
    ];
    let mut push = |sql: &mut String, clause: &str, values: Vec<Arg>| {
        let mut clause = clause.to_owned();
        for (i, value) in values.into_iter().enumerate() {
            args.push(value);
            clause = clause.replace(&format!("${}", i + 1), &format!("${}", args.len()));
        }
        sql.push_str(" AND ");
        sql.push_str(&clause);
    };
    match filter.direction {
        Some(Direction::In) => push(&mut sql, "amount_minor > 0", vec![]),
        Some(Direction::Out) => push(&mut sql, "amount_minor < 0", vec![]),
        None => {}
    }
    if let Some(min) = filter.min_minor {
        push(&mut sql, "(amount_minor >= $1 OR amount_minor <= -$1)", vec![Arg::Int(min)]);
    }
    if let Some(max) = filter.max_minor {
        push(&mut sql, "amount_minor <= $1 AND amount_minor >= -$1", vec![Arg::Int(max)]);
    }
    if let Some(text) = &filter.text {
        let pattern = contains_pattern(text);
        push(
            &mut sql,
            "(LOWER(description) LIKE $1 ESCAPE '\\' OR LOWER(counterparty) LIKE $2 ESCAPE '\\')",
            vec![Arg::Text(pattern.clone()), Arg::Text(pattern)],
        );
    }
    if let Some(category) = &filter.category {
        push(&mut sql, "category = $1", vec![Arg::Text(category.clone())]);
    }
    if let Some((booked_at, id)) = after {
        push(
            &mut sql,
            "(booked_at < $1 OR (booked_at = $2 AND id < $3))",
            vec![Arg::Int(booked_at), Arg::Int(booked_at), Arg::Int(id)],
        );
    }
    sql.push_str(&format!(" ORDER BY booked_at DESC, id DESC LIMIT {}", page_size + 1));

    let mut query = sqlx::query_as::<_, TxTuple>(&sql);
    for arg in args {
        query = match arg {
            Arg::Int(v) => query.bind(v),
            Arg::Text(v) => query.bind(v),
        };
    }
    // PostgreSQL cannot estimate how many rows a '%text%' pattern matches and guesses very few,
    // so it scans the whole table and sorts (190 ms on a million rows) instead of walking the
    // account's index newest first until the page is full (under 1 ms). For such searches the
    // walk is pinned for this one statement. SQLite walks the index by itself. Every other page
    // is one statement, without a transaction around it (on SQLite its BEGIN and COMMIT were two
    // more round trips to the connection's thread on every account page).
    let mut conn = pool.acquire().await?;
    let fetched = if filter.text.is_some() && conn.backend_name() == "PostgreSQL" {
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        sqlx::query("SET LOCAL enable_seqscan = off").execute(&mut *tx).await?;
        sqlx::query("SET LOCAL max_parallel_workers_per_gather = 0").execute(&mut *tx).await?;
        let fetched = query.fetch_all(&mut *tx).await?;
        tx.commit().await?;
        fetched
    } else {
        query.fetch_all(&mut *conn).await?
    };
    let mut rows: Vec<TxRow> = fetched.into_iter().map(tx_row).collect();
    let more = rows.len() as i64 > page_size;
    rows.truncate(usize::try_from(page_size).unwrap_or(0));
    let next = if more { rows.last().map(|r| encode_cursor(key, account_id, r.booked_at, r.id)) } else { None };
    Ok(HistoryPage { rows, next })
}

type TxTuple = (i64, i64, String, String, String, i64, i64);

fn tx_row((id, booked_at, description, counterparty, category, amount_minor, balance_after_minor): TxTuple) -> TxRow {
    TxRow { id, booked_at, description, counterparty, category, amount_minor, balance_after_minor }
}

/// A monthly statement's opening balance and transactions (oldest first) for the China days
/// `from`..=`to`, or `None` when there are more than `max_rows` (the caller checked ownership).
/// The opening balance is the running balance after the last earlier transaction; an account
/// without one opened with what it holds now less everything booked since.
pub async fn statement_rows(
    pool: &AnyPool,
    account: &AccountSummary,
    from: NaiveDate,
    to: NaiveDate,
    max_rows: i64,
) -> Result<Option<(i64, Vec<TxRow>)>, sqlx::Error> {
    let (start, end) = (china_midnight(from), china_midnight(to + chrono::Duration::days(1)));
    let fetched: Vec<TxTuple> = sqlx::query_as(
        "SELECT id, booked_at, description, counterparty, category, amount_minor, balance_after_minor \
         FROM transactions WHERE account_id = $1 AND booked_at >= $2 AND booked_at < $3 \
         ORDER BY booked_at, id LIMIT $4",
    )
    .bind(account.id)
    .bind(start)
    .bind(end)
    .bind(max_rows + 1)
    .fetch_all(pool)
    .await?;
    if fetched.len() as i64 > max_rows {
        return Ok(None);
    }
    let before: Option<i64> = sqlx::query_scalar(
        "SELECT balance_after_minor FROM transactions WHERE account_id = $1 AND booked_at < $2 \
         ORDER BY booked_at DESC, id DESC LIMIT 1",
    )
    .bind(account.id)
    .bind(start)
    .fetch_optional(pool)
    .await?;
    let opening = match before {
        Some(balance) => balance,
        None => {
            let since: i64 = sqlx::query_scalar(
                "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM transactions \
                 WHERE account_id = $1 AND booked_at >= $2",
            )
            .bind(account.id)
            .bind(start)
            .fetch_one(pool)
            .await?;
            account.ledger_minor - since
        }
    };
    Ok(Some((opening, fetched.into_iter().map(tx_row).collect())))
}

/// Transaction $1 of account $2, only when the account is customer $3's.
const OWN_TRANSACTION: &str = "FROM transactions t JOIN accounts a ON a.id = t.account_id \
     WHERE t.id = $1 AND a.id = $2 AND a.customer_id = $3";

/// A transaction of one of the customer's accounts, with any earlier report of it.
pub async fn transaction_of(
    pool: &AnyPool,
    customer_id: i64,
    account_id: i64,
    transaction_id: i64,
) -> Result<Option<super::report::ReportedTransaction>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        booked_at: i64,
        description: String,
        counterparty: String,
        category: String,
        amount_minor: i64,
        balance_after_minor: i64,
        currency: String,
        product_name: String,
    }
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT t.id, t.booked_at, t.description, t.counterparty, t.category, t.amount_minor, t.balance_after_minor, \
         a.currency, a.product_name {OWN_TRANSACTION}"
    ))
    .bind(transaction_id)
    .bind(account_id)
    .bind(customer_id)
    .fetch_optional(pool)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let currency = Currency::parse(&r.currency)
        .map_err(|_| sqlx::Error::Decode(format!("bad currency {:?}", r.currency).into()))?;
    let existing = existing_report(pool, customer_id, transaction_id, r.booked_at).await?;
    Ok(Some(super::report::ReportedTransaction {
        tx: TxRow {
            id: r.id,
            booked_at: r.booked_at,
            description: r.description,
            counterparty: r.counterparty,
            category: r.category,
            amount_minor: r.amount_minor,
            balance_after_minor: r.balance_after_minor,
        },
        currency,
        account_name: r.product_name,
        existing,
    }))
}

/// The customer's open complaint about the transaction, as a report's receipt (once it is
/// decided, the transaction can be reported again).
async fn existing_report(
    pool: &AnyPool,
    customer_id: i64,
    transaction_id: i64,
    booked_at: i64,
) -> Result<Option<super::report::ReportReceipt>, sqlx::Error> {
    let latest = crate::complaints::service::latest_about_transaction(pool, customer_id, transaction_id).await?;
    Ok(latest.map(|(complaint_id, reference, received_on)| {
        let transaction_date = super::china_today(booked_at);
        let (window_ends_on, late) = super::rules::report_window(transaction_date, received_on);
        super::report::ReportReceipt { complaint_id, reference, merged: false, transaction_date, window_ends_on, late }
    }))
}

/// Files the customer's report of a transaction in one of their accounts as a complaint about it
/// (`None` when it is not theirs): about the account's product, with the reason and the 15-day
/// notice window (a later notice is accepted, and flagged). A second report of the same
/// transaction while the first is open is merged into it.
#[allow(clippy::too_many_arguments)]
pub async fn record_report(
    pool: &AnyPool,
    customer_id: i64,
    account_id: i64,
    transaction_id: i64,
    reason: &str,
    details: &str,
    today: NaiveDate,
    now: i64,
) -> Result<Option<super::report::ReportReceipt>, sqlx::Error> {
    let subject: Option<(i64, String)> = sqlx::query_as(&format!("SELECT t.booked_at, a.kind {OWN_TRANSACTION}"))
        .bind(transaction_id)
        .bind(account_id)
        .bind(customer_id)
        .fetch_optional(pool)
        .await?;
    let Some((booked_at, account_kind)) = subject else { return Ok(None) };
    let transaction_date = super::china_today(booked_at);
    let (window_ends_on, late) = super::rules::report_window(transaction_date, today);
    let complaint = crate::complaints::service::NewComplaint {
        customer_id,
        kind: "complaint",
        category: crate::complaints::rules::category_of_account(&account_kind),
        account_id: Some(account_id),
        transaction_id: Some(transaction_id),
        appointment_id: None,
        notice: Some(crate::complaints::ErrorNotice { reason: reason.to_owned(), window_ends_on, late }),
        what_happened: details,
        wanted: "",
        contact: "message",
    };
    let filed = crate::complaints::service::file(pool, &complaint, &[], today, now).await?;
    Ok(filed.map(|filed| super::report::ReportReceipt {
        complaint_id: filed.id,
        reference: filed.reference,
        merged: filed.merged,
        transaction_date,
        window_ends_on,
        late,
    }))
}

/// Money in and out of the account in each of `months` (first days, oldest first), from the
/// monthly totals the database keeps (`account_month_flows`, migration 0015): a few rows per
/// month, however many transactions.
pub async fn monthly_flows(
    pool: &AnyPool,
    account_id: i64,
    months: &[NaiveDate],
) -> Result<Vec<super::charts::MonthFlow>, sqlx::Error> {
    let (Some(first), Some(last)) = (months.first(), months.last()) else { return Ok(Vec::new()) };
    let end = first_of_month(*last).checked_add_months(chrono::Months::new(1)).unwrap_or(*last);
    // Casts: PostgreSQL sums BIGINT into NUMERIC, which the Any driver cannot read.
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT month_start, CAST(SUM(money_in) AS BIGINT), CAST(SUM(money_out) AS BIGINT) \
         FROM account_month_flows WHERE account_id = $1 AND month_start >= $2 AND month_start < $3 \
         GROUP BY month_start",
    )
    .bind(account_id)
    .bind(china_midnight(first_of_month(*first)))
    .bind(china_midnight(end))
    .fetch_all(pool)
    .await?;
    Ok(months
        .iter()
        .map(|month| {
            let start = china_midnight(first_of_month(*month));
            let (in_minor, out_minor) = rows.iter().find(|(m, _, _)| *m == start).map_or((0, 0), |(_, a, b)| (*a, *b));
            super::charts::MonthFlow { month: *month, in_minor, out_minor }
        })
        .collect())
}

/// Money out of the account per category in the month of `month`, largest first.
pub async fn spending_by_category(
    pool: &AnyPool,
    account_id: i64,
    month: NaiveDate,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT category, money_out FROM account_month_flows \
         WHERE account_id = $1 AND month_start = $2 AND money_out > 0 \
         ORDER BY money_out DESC, category",
    )
    .bind(account_id)
    .bind(china_midnight(first_of_month(month)))
    .fetch_all(pool)
    .await
}

/// The first day of `date`'s month: the day the database's monthly totals are kept under.
fn first_of_month(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_tampering_or_another_account() {
        let key = SigningKey::new(vec![7; 32]).unwrap();
        let cursor = encode_cursor(&key, 10, 1_790_000_000, 42);
        assert_eq!(decode_cursor(&key, 10, &cursor), Some((1_790_000_000, 42)));
        let moved = cursor.replacen("42", "41", 1);
        assert_eq!(decode_cursor(&key, 10, &moved), None, "edited position");
        assert_eq!(decode_cursor(&key, 11, &cursor), None, "another account");
        let other_key = SigningKey::new(vec![8; 32]).unwrap();
        assert_eq!(decode_cursor(&other_key, 10, &cursor), None);
        for junk in ["", "1.2", "a.b.c", "1.2.3.4"] {
            assert_eq!(decode_cursor(&key, 10, junk), None, "{junk:?}");
        }
    }

    #[test]
    fn text_search_takes_pattern_characters_literally() {
        assert_eq!(contains_pattern("50%_off"), "%50\\%\\_off%");
        assert_eq!(contains_pattern("Starbucks"), "%starbucks%");
    }

    #[test]
    fn china_days_start_at_16_00_utc_the_day_before() {
        let d: NaiveDate = "2026-11-22".parse().unwrap();
        assert_eq!(china_midnight(d), 1_795_305_600 - 8 * 3600);
    }
}
