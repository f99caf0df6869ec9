//! The database on both backends: migrations, the demo data's promises, its determinism,
//! the schema's own guards (append-only audit trail, checked enumerations).

mod common;

use chrono::NaiveDate;
use common::{TestApp, TestDb, test_config};
use server::{db, demo};
use sqlx::AnyPool;

async fn scalar(pool: &AnyPool, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

#[tokio::test]
async fn first_start_migrates_and_loads_the_promised_demo_data() {
    let app = TestApp::spawn(&[]).await;
    let pool = &app.state.pool;
    assert_eq!(scalar(pool, "SELECT COUNT(*) FROM customers").await, 50);
    for tier in ["regular", "gold", "platinum", "diamond"] {
        let n = scalar(pool, &format!("SELECT COUNT(*) FROM customers WHERE tier = '{tier}'")).await;
        assert!(n >= 1, "no {tier} customer");
    }
    let today = chrono::Utc::now().date_naive();
    let cutoff = NaiveDate::from_ymd_opt(chrono::Datelike::year(&today) - 65, 12, 31).unwrap();
    let elderly = scalar(pool, &format!("SELECT COUNT(*) FROM customers WHERE birth_date < '{cutoff}'")).await;
    assert!(elderly >= 5, "only {elderly} customers aged 65 or more");
    assert_eq!(scalar(pool, "SELECT COUNT(*) FROM customers WHERE ebanking_suspended = 1").await, 1);
    assert!(scalar(pool, "SELECT COUNT(*) FROM accounts WHERE status = 'frozen'").await >= 1);
    for kind in ["demand", "time_deposit", "credit_card", "loan", "wealth"] {
        let n = scalar(pool, &format!("SELECT COUNT(*) FROM accounts WHERE kind = '{kind}'")).await;
        assert!(n >= 1, "no {kind} account");
    }
    assert_eq!(scalar(pool, "SELECT COUNT(*) FROM branches").await, 8);
    assert!(
        scalar(pool, "SELECT COUNT(DISTINCT opens || closes) FROM branch_hours").await >= 3,
        "branches keep different hours"
    );
    for role in ["agent", "branch_staff", "supervisor"] {
        let n = scalar(pool, &format!("SELECT COUNT(*) FROM staff_users WHERE role = '{role}'")).await;
        assert!(n >= 1, "no {role}");
    }
    // 24 months of history with the expected kinds of movement.
    let span_days = scalar(pool, "SELECT (MAX(booked_at) - MIN(booked_at)) / 86400 FROM transactions").await;
    assert!(span_days >= 700, "history spans only {span_days} days");
    for category in ["salary", "housing", "utilities", "groceries", "dining", "interest", "transfer_out"] {
        let n = scalar(pool, &format!("SELECT COUNT(*) FROM transactions WHERE category = '{category}'")).await;
        assert!(n > 0, "no {category} transactions");
    }
    // Every account's balance equals its last running balance (demand accounts never overdraw).
    let overdrawn = scalar(pool, "SELECT COUNT(*) FROM transactions t JOIN accounts a ON a.id = t.account_id WHERE a.kind = 'demand' AND t.balance_after_minor < 0").await;
    assert_eq!(overdrawn, 0);
    let masked_leak = scalar(
        pool,
        "SELECT COUNT(*) FROM accounts WHERE masked_number = number OR masked_number NOT LIKE '% **** **** %'",
    )
    .await;
    assert_eq!(masked_leak, 0);
    app.cleanup().await;
}

#[tokio::test]
async fn a_second_start_neither_reloads_nor_duplicates_the_demo_data() {
    let db = TestDb::fresh().await;
    let config = test_config(&db, &[]);
    let first = server::build_state(&config).await.unwrap();
    let n = scalar(&first.pool, "SELECT COUNT(*) FROM transactions").await;
    first.pool.close().await;
    let second = server::build_state(&config).await.unwrap();
    assert_eq!(scalar(&second.pool, "SELECT COUNT(*) FROM transactions").await, n);
    assert_eq!(scalar(&second.pool, "SELECT COUNT(*) FROM customers").await, 50);
    second.pool.close().await;
    db.cleanup().await;
}

async fn fingerprint(pool: &AnyPool) -> Vec<String> {
    sqlx::query_as::<_, (String, String, i64, i64)>(
        "SELECT c.customer_no, a.number, a.ledger_balance_minor, \
         (SELECT COUNT(*) FROM transactions t WHERE t.account_id = a.id) \
         FROM accounts a JOIN customers c ON c.id = a.customer_id ORDER BY a.number",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    .into_iter()
    .map(|(c, n, b, t)| format!("{c} {n} {b} {t}"))
    .collect()
}

#[tokio::test]
async fn the_generator_gives_the_same_data_for_the_same_seed_and_date() {
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let mut prints = Vec::new();
    let mut dbs = Vec::new();
    for seed in [7, 7, 8] {
        let db = TestDb::fresh().await;
        let pool = db::connect(&db.url, 2).await.unwrap();
        db::migrate(&pool, &db.url).await.unwrap();
        let size = demo::DemoSize { customers: 12, transactions_per_account: None, seed, as_of };
        let summary = demo::generate(&pool, &size).await.unwrap();
        assert_eq!(summary.customers, 12);
        prints.push(fingerprint(&pool).await);
        pool.close().await;
        dbs.push(db);
    }
    assert_eq!(prints[0], prints[1], "same seed, same data");
    assert_ne!(prints[0], prints[2], "another seed, other data");
    for db in dbs {
        db.cleanup().await;
    }
}

/// Who each demo customer is does not change with the day the data is made for: the browser
/// tests rely on it (C000005 and C000008 need no supervisor; C000005–9 are 65 or older), and
/// they run on any day.
#[tokio::test]
async fn demo_customers_are_the_same_people_whatever_the_date() {
    let mut people = Vec::new();
    let mut dbs = Vec::new();
    for (y, m, d) in [(2026, 12, 5), (2026, 12, 6), (2027, 2, 28), (2027, 12, 31)] {
        let as_of = NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let db = TestDb::fresh().await;
        let pool = db::connect(&db.url, 2).await.unwrap();
        db::migrate(&pool, &db.url).await.unwrap();
        let size = demo::DemoSize { customers: 12, transactions_per_account: None, seed: 2026, as_of };
        demo::generate(&pool, &size).await.unwrap();
        let customers: Vec<(i64, String, String, String, String, String)> = sqlx::query_as(
            "SELECT id, customer_no, name, tier, birth_date, preferred_locale FROM customers ORDER BY customer_no",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        let mut these = Vec::new();
        for (id, no, name, tier, birth, locale) in customers {
            let accounts: Vec<(String, String, String)> =
                sqlx::query_as("SELECT kind, currency, status FROM accounts WHERE customer_id = $1 ORDER BY id")
                    .bind(id)
                    .fetch_all(&pool)
                    .await
                    .unwrap();
            let birth = NaiveDate::parse_from_str(&birth, "%Y-%m-%d").unwrap();
            let age = as_of.years_since(birth).unwrap();
            these.push(format!("{no} {name} {tier} {age} {locale} {accounts:?}"));
        }
        people.push(these);
        pool.close().await;
        dbs.push(db);
    }
    for (i, these) in people.iter().enumerate().skip(1) {
        assert_eq!(&people[0], these, "demo customers changed with the date (date {i})");
    }
    for line in &people[0][4..9] {
        assert!(!line.contains(" diamond "), "customers 5-9 need no supervisor: {line}");
        let age: u32 = line.split(' ').nth(3).unwrap().parse().unwrap();
        assert!(age >= 65, "customers 5-9 are 65 or older: {line}");
    }
    for db in dbs {
        db.cleanup().await;
    }
}

#[tokio::test]
async fn benchmark_sizes_give_exactly_the_requested_transactions() {
    let db = TestDb::fresh().await;
    let pool = db::connect(&db.url, 2).await.unwrap();
    db::migrate(&pool, &db.url).await.unwrap();
    let size = demo::DemoSize {
        customers: 3,
        transactions_per_account: Some(1500),
        seed: 1,
        as_of: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
    };
    demo::generate(&pool, &size).await.unwrap();
    let per_account: Vec<i64> = sqlx::query_scalar(
        "SELECT COUNT(*) FROM transactions t JOIN accounts a ON a.id = t.account_id \
         WHERE a.kind = 'demand' AND a.currency = 'CNY' GROUP BY a.id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(!per_account.is_empty());
    assert!(per_account.iter().all(|n| *n == 1500), "{per_account:?}");
    pool.close().await;
    db.cleanup().await;
}

/// A fresh database migrated up to (not including) migration `version`, holding `customers` demo
/// customers (seed `seed`, history up to `as_of`): what a deployment had before that migration ran.
async fn demo_data_before_migration(version: i64, customers: u32, seed: u64, as_of: NaiveDate) -> (TestDb, AnyPool) {
    let db = TestDb::fresh().await;
    let pool = db::connect(&db.url, 2).await.unwrap();
    let folder =
        common::repo_root().join("server/migrations").join(if db.is_postgres() { "postgres" } else { "sqlite" });
    let mut before = sqlx::migrate::Migrator::new(folder).await.unwrap();
    before.migrations = before.migrations.iter().filter(|m| m.version < version).cloned().collect::<Vec<_>>().into();
    before.run(&pool).await.unwrap();
    let size = demo::DemoSize { customers, transactions_per_account: None, seed, as_of };
    demo::generate_without_catalogue(&pool, &size).await.unwrap();
    (db, pool)
}

/// Migration 0010: the problem reports sent before reports became complaints move into
/// complaints, with their reason, window and reference, and show in the customer's list; one whose
/// matter already has an open complaint moves in without taking its key.
#[tokio::test]
async fn earlier_transaction_reports_become_complaints() {
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let (db, pool) = demo_data_before_migration(10, 12, 1, as_of).await;
    let first_tx = |kind: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_as::<_, (i64, i64)>(
                "SELECT a.id, t.id FROM transactions t JOIN accounts a ON a.id = t.account_id \
                 WHERE a.customer_id = 1 AND a.kind = $1 ORDER BY t.id LIMIT 1",
            )
            .bind(kind)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let (demand, demand_tx) = first_tx("demand").await;
    let (card, card_tx) = first_tx("credit_card").await;
    // 2026-11-20 10:00 in China.
    let sent = 1_795_140_000;
    for (reference, account, tx, reason, late) in
        [("TR20261120-AAAAAA", demand, demand_tx, "not_mine", 0), ("TR20261120-BBBBBB", card, card_tx, "duplicate", 1)]
    {
        sqlx::query(
            "INSERT INTO transaction_reports (reference, customer_id, account_id, transaction_id, reason, details, \
             transaction_date, window_ends_on, late, created_at) VALUES ($1, 1, $2, $3, $4, 'I never made this payment.', \
             '2026-11-10', '2026-11-25', $5, $6)",
        )
        .bind(reference)
        .bind(account)
        .bind(tx)
        .bind(reason)
        .bind(late)
        .bind(sent)
        .execute(&pool)
        .await
        .unwrap();
    }
    // The card's transaction already has an open complaint on the same matter.
    sqlx::query(
        "INSERT INTO complaints (customer_id, kind, category, account_id, transaction_id, what_happened, wanted, \
         contact, received_on, open_matter_key, created_at, updated_at) \
         VALUES (1, 'complaint', 'cards', $1, $2, 'Charged twice for one thing.', '', 'sms', '2026-11-19', $3, $4, $4)",
    )
    .bind(card)
    .bind(card_tx)
    .bind(format!("1:cards:t{card_tx}"))
    .bind(sent - 86_400)
    .execute(&pool)
    .await
    .unwrap();

    db::migrate(&pool, &db.url).await.unwrap();
    assert!(sqlx::query("SELECT COUNT(*) FROM transaction_reports").execute(&pool).await.is_err(), "the table went");
    type Moved = (String, String, String, Option<String>, Option<String>, Option<String>, i64, String);
    let moved: Vec<Moved> = sqlx::query_as(
        "SELECT earlier_reference, category, received_on, open_matter_key, report_reason, notice_window_ends_on, \
         late_notice, status FROM complaints WHERE earlier_reference IS NOT NULL ORDER BY earlier_reference",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let key = |category: &str, tx: i64| Some(format!("1:{category}:t{tx}"));
    assert_eq!(
        moved,
        vec![
            (
                "TR20261120-AAAAAA".into(),
                "deposits".into(),
                "2026-11-20".into(),
                key("deposits", demand_tx),
                Some("not_mine".into()),
                Some("2026-11-25".into()),
                0,
                "submitted".into()
            ),
            (
                "TR20261120-BBBBBB".into(),
                "cards".into(),
                "2026-11-20".into(),
                None,
                Some("duplicate".into()),
                Some("2026-11-25".into()),
                1,
                "submitted".into()
            ),
        ]
    );
    assert_eq!(
        scalar(&pool, "SELECT COUNT(*) FROM complaint_events WHERE kind = 'submitted' AND by_customer = 1").await,
        2,
        "each moved report has its step (the complaint inserted by hand has none)"
    );
    let listed = app::complaints::service::complaints_of(&pool, 1, None, as_of).await.unwrap();
    assert_eq!(listed.len(), 3, "the reports show in the customer's complaints");
    pool.close().await;
    db.cleanup().await;
}

#[tokio::test]
async fn the_audit_trail_cannot_be_changed_or_deleted() {
    let app = TestApp::spawn(&[("PORTAL_DEMO_DATA", "false")]).await;
    let pool = &app.state.pool;
    sqlx::query("INSERT INTO audit_events (occurred_at, kind, actor_kind, detail) VALUES ($1, $2, $3, $4)")
        .bind(1_700_000_000_i64)
        .bind("sign_in_succeeded")
        .bind("system")
        .bind("{}")
        .execute(pool)
        .await
        .unwrap();
    let update = sqlx::query("UPDATE audit_events SET kind = 'tampered'").execute(pool).await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = sqlx::query("DELETE FROM audit_events").execute(pool).await;
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    assert_eq!(scalar(pool, "SELECT COUNT(*) FROM audit_events WHERE kind = 'sign_in_succeeded'").await, 1);
    app.cleanup().await;
}

#[tokio::test]
async fn the_ledger_cannot_be_changed_or_deleted() {
    let app = TestApp::spawn(&[]).await;
    let pool = &app.state.pool;
    let before = scalar(pool, "SELECT COUNT(*) FROM transactions").await;
    assert!(before > 0);
    let update = sqlx::query("UPDATE transactions SET amount_minor = amount_minor + 1").execute(pool).await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = sqlx::query("DELETE FROM transactions").execute(pool).await;
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    assert_eq!(scalar(pool, "SELECT COUNT(*) FROM transactions").await, before);
    // So the monthly totals the charts read stay the sum of the transactions.
    let (booked, kept): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT CAST(SUM(amount_minor) AS BIGINT) FROM transactions), \
         (SELECT CAST(SUM(money_in - money_out) AS BIGINT) FROM account_month_flows)",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(kept, booked);
    app.cleanup().await;
}

#[tokio::test]
async fn the_schema_refuses_values_outside_its_enumerations() {
    let app = TestApp::spawn(&[("PORTAL_DEMO_DATA", "false")]).await;
    let insert = sqlx::query(
        "INSERT INTO customers (customer_no, mobile, name, tier, birth_date, password_hash, created_at) \
         VALUES ('C9', '1', 'x', 'titanium', '1980-01-01', 'h', 0)",
    )
    .execute(&app.state.pool)
    .await;
    assert!(insert.is_err(), "an unknown tier was stored");
    app.cleanup().await;
}

#[tokio::test]
async fn migrating_twice_is_harmless() {
    let db = TestDb::fresh().await;
    let pool = db::connect(&db.url, 1).await.unwrap();
    db::migrate(&pool, &db.url).await.unwrap();
    db::migrate(&pool, &db.url).await.unwrap();
    assert!(demo::is_empty(&pool).await.unwrap());
    pool.close().await;
    db.cleanup().await;
}

#[tokio::test]
async fn only_postgresql_connections_are_checked_before_each_use() {
    let db = TestDb::fresh().await;
    let pool = db::connect(&db.url, 1).await.unwrap();
    // A SQLite connection lives as long as its file; a PostgreSQL one can die with its server.
    assert_eq!(pool.options().get_test_before_acquire(), db.is_postgres(), "{}", db.url);
    pool.close().await;
    db.cleanup().await;
}

#[tokio::test]
async fn the_monthly_totals_start_from_the_transactions_already_booked() {
    use app::accounts::charts::last_twelve_months;
    use app::accounts::service::{china_midnight, monthly_flows};
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let (db, pool) = demo_data_before_migration(15, 6, 2, as_of).await;
    db::migrate(&pool, &db.url).await.unwrap();

    // Casts: PostgreSQL sums BIGINT into NUMERIC, which the Any driver cannot read.
    let per_account = |sql: &'static str| {
        let pool = pool.clone();
        async move { sqlx::query_as::<_, (i64, i64, i64)>(sql).fetch_all(&pool).await.unwrap() }
    };
    let booked = per_account(
        "SELECT account_id, CAST(SUM(CASE WHEN amount_minor > 0 THEN amount_minor ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN amount_minor < 0 THEN -amount_minor ELSE 0 END) AS BIGINT) \
         FROM transactions GROUP BY account_id ORDER BY account_id",
    )
    .await;
    let totals = per_account(
        "SELECT account_id, CAST(SUM(money_in) AS BIGINT), CAST(SUM(money_out) AS BIGINT) \
         FROM account_month_flows GROUP BY account_id ORDER BY account_id",
    )
    .await;
    assert!(booked.len() >= 6, "{booked:?}");
    assert_eq!(totals, booked, "every account's money in and out, over all its months");

    // Month by month, on the boundaries the charts use (00:00 China time on the first day).
    let account = booked[0].0;
    let months = last_twelve_months(as_of);
    let flows = monthly_flows(&pool, account, &months).await.unwrap();
    for (flow, month) in flows.iter().zip(&months) {
        let next = month.checked_add_months(chrono::Months::new(1)).unwrap();
        let (money_in, money_out): (i64, i64) = sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(CASE WHEN amount_minor > 0 THEN amount_minor ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN amount_minor < 0 THEN -amount_minor ELSE 0 END), 0) AS BIGINT) \
             FROM transactions WHERE account_id = $1 AND booked_at >= $2 AND booked_at < $3",
        )
        .bind(account)
        .bind(china_midnight(*month))
        .bind(china_midnight(next))
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!((flow.in_minor, flow.out_minor), (money_in, money_out), "{month}");
    }
    assert!(flows.iter().any(|f| f.out_minor > 0), "{flows:?}");
    pool.close().await;
    db.cleanup().await;
}
