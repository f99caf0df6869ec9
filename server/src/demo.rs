//! The deterministic demo-data generator: the same seed, size and date give the same rows.
//! Each customer, and each of their accounts, draws from a random stream of its own, so who a
//! customer is (name, tier, age, accounts) never depends on the date or on the customers before.
//!
//! Default size: 50 customers of every tier (at least 5 aged 65+, one with a frozen account,
//! one with suspended e-banking), every account kind, 24 months of transactions, 8 branches,
//! staff of each role. Larger sizes feed the benchmarks.
//!
//! Demo passwords (also in the README): customers `Demo-2026!`, staff `Staff-2026!`.

use anyhow::{Context, Result};
use app::accounts::mask_account_number;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};
use rand::{Rng, SeedableRng, seq::SliceRandom};
use rand_chacha::ChaCha8Rng;
use sqlx::{Any, AnyPool, Transaction};

pub const CUSTOMER_DEMO_PASSWORD: &str = "Demo-2026!";
pub const STAFF_DEMO_PASSWORD: &str = "Staff-2026!";

#[derive(Clone, Debug)]
pub struct DemoSize {
    pub customers: u32,
    /// `None`: a realistic monthly pattern; `Some(n)`: exactly n per demand account (benchmarks).
    pub transactions_per_account: Option<u32>,
    pub seed: u64,
    /// The last day of history; everything is dated relative to it.
    pub as_of: NaiveDate,
}

impl DemoSize {
    pub fn standard(as_of: NaiveDate) -> Self {
        DemoSize { customers: 50, transactions_per_account: None, seed: 2026, as_of }
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct DemoSummary {
    pub customers: u64,
    pub accounts: u64,
    pub transactions: u64,
    pub branches: u64,
    pub staff: u64,
}

/// Whether the database holds any customer yet (first run fills it).
pub async fn is_empty(pool: &AnyPool) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM customers").fetch_one(pool).await?;
    Ok(n == 0)
}

/// China Standard Time has no daylight saving: local = UTC + 8 h.
const CST_OFFSET_SECS: i64 = 8 * 3600;

fn unix_at(date: NaiveDate, time: NaiveTime) -> i64 {
    NaiveDateTime::new(date, time).and_utc().timestamp() - CST_OFFSET_SECS
}

fn hash_password(password: &str, salt_seed: u64) -> Result<String> {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let salt = SaltString::encode_b64(&salt_seed.to_le_bytes()).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let hash = argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hashing the demo password: {e}"))?;
    Ok(hash.to_string())
}

const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗",
    "高",
];
const GIVEN: [&str; 24] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "华",
    "建国", "桂兰", "志强", "淑珍", "晓东",
];

struct Branch {
    code: &'static str,
    name_zh: &'static str,
    name_en: &'static str,
    district_zh: &'static str,
    district_en: &'static str,
    street_zh: &'static str,
    street_en: &'static str,
    /// (weekday 1..=7, opens, closes)
    hours: &'static [(i64, &'static str, &'static str)],
    step_free: bool,
    elderly_window: bool,
    counters: i64,
    vip_counters: i64,
}

const WEEKDAYS_9_17: &[(i64, &str, &str)] = &[
    (1, "09:00", "17:00"),
    (2, "09:00", "17:00"),
    (3, "09:00", "17:00"),
    (4, "09:00", "17:00"),
    (5, "09:00", "17:00"),
];
const ALL_WEEK_9_17: &[(i64, &str, &str)] = &[
    (1, "09:00", "17:00"),
    (2, "09:00", "17:00"),
    (3, "09:00", "17:00"),
    (4, "09:00", "17:00"),
    (5, "09:00", "17:00"),
    (6, "09:00", "16:00"),
    (7, "10:00", "16:00"),
];
const LONG_WEEKDAYS_SAT: &[(i64, &str, &str)] = &[
    (1, "08:30", "18:00"),
    (2, "08:30", "18:00"),
    (3, "08:30", "18:00"),
    (4, "08:30", "18:00"),
    (5, "08:30", "18:00"),
    (6, "09:00", "12:00"),
];
const TUE_SAT: &[(i64, &str, &str)] = &[
    (2, "09:30", "17:30"),
    (3, "09:30", "17:30"),
    (4, "09:30", "17:30"),
    (5, "09:30", "17:30"),
    (6, "09:30", "17:30"),
];

const BRANCHES: [Branch; 8] = [
    Branch {
        code: "B001",
        name_zh: "人民路支行",
        name_en: "Renmin Road Branch",
        district_zh: "黄浦区",
        district_en: "Huangpu",
        street_zh: "人民路 100 号",
        street_en: "100 Renmin Road",
        hours: ALL_WEEK_9_17,
        step_free: true,
        elderly_window: true,
        counters: 6,
        vip_counters: 2,
    },
    Branch {
        code: "B002",
        name_zh: "世纪大道支行",
        name_en: "Century Avenue Branch",
        district_zh: "浦东新区",
        district_en: "Pudong",
        street_zh: "世纪大道 88 号",
        street_en: "88 Century Avenue",
        hours: LONG_WEEKDAYS_SAT,
        step_free: true,
        elderly_window: false,
        counters: 8,
        vip_counters: 3,
    },
    Branch {
        code: "B003",
        name_zh: "淮海中路支行",
        name_en: "Middle Huaihai Road Branch",
        district_zh: "徐汇区",
        district_en: "Xuhui",
        street_zh: "淮海中路 1200 号",
        street_en: "1200 Middle Huaihai Road",
        hours: WEEKDAYS_9_17,
        step_free: false,
        elderly_window: true,
        counters: 4,
        vip_counters: 1,
    },
    Branch {
        code: "B004",
        name_zh: "曹杨新村支行",
        name_en: "Caoyang Xincun Branch",
        district_zh: "普陀区",
        district_en: "Putuo",
        street_zh: "枣阳路 35 号",
        street_en: "35 Zaoyang Road",
        hours: TUE_SAT,
        step_free: true,
        elderly_window: true,
        counters: 3,
        vip_counters: 0,
    },
    Branch {
        code: "B005",
        name_zh: "五角场支行",
        name_en: "Wujiaochang Branch",
        district_zh: "杨浦区",
        district_en: "Yangpu",
        street_zh: "淞沪路 8 号",
        street_en: "8 Songhu Road",
        hours: ALL_WEEK_9_17,
        step_free: true,
        elderly_window: false,
        counters: 5,
        vip_counters: 1,
    },
    Branch {
        code: "B006",
        name_zh: "虹桥支行",
        name_en: "Hongqiao Branch",
        district_zh: "长宁区",
        district_en: "Changning",
        street_zh: "仙霞路 319 号",
        street_en: "319 Xianxia Road",
        hours: LONG_WEEKDAYS_SAT,
        step_free: true,
        elderly_window: true,
        counters: 5,
        vip_counters: 2,
    },
    Branch {
        code: "B007",
        name_zh: "莘庄支行",
        name_en: "Xinzhuang Branch",
        district_zh: "闵行区",
        district_en: "Minhang",
        street_zh: "莘松路 50 号",
        street_en: "50 Xinsong Road",
        hours: WEEKDAYS_9_17,
        step_free: false,
        elderly_window: false,
        counters: 3,
        vip_counters: 0,
    },
    Branch {
        code: "B008",
        name_zh: "南京西路支行",
        name_en: "West Nanjing Road Branch",
        district_zh: "静安区",
        district_en: "Jing'an",
        street_zh: "南京西路 1515 号",
        street_en: "1515 West Nanjing Road",
        hours: LONG_WEEKDAYS_SAT,
        step_free: true,
        elderly_window: true,
        counters: 7,
        vip_counters: 3,
    },
];

/// (code, zh, en, minutes, lead hours, documents zh, documents en)
const SERVICES: [(&str, &str, &str, i64, i64, &str, &str); 6] = [
    (
        "cash_withdrawal_large",
        "大额取现（5万元及以上）",
        "Large cash withdrawal (50,000 CNY or more)",
        20,
        24,
        "身份证、银行卡",
        "ID card, bank card",
    ),
    ("account_opening", "开立账户", "Open an account", 30, 0, "本人有效身份证件", "Your valid ID document"),
    (
        "wealth_consultation",
        "理财咨询",
        "Wealth consultation",
        45,
        0,
        "身份证；如有，近期风险评估结果",
        "ID card; your latest risk assessment, if any",
    ),
    ("card_replacement", "补办银行卡", "Replace a bank card", 20, 0, "身份证", "ID card"),
    ("loan_consultation", "贷款咨询", "Loan consultation", 30, 0, "身份证、收入证明", "ID card, proof of income"),
    ("foreign_exchange", "外币兑换", "Foreign exchange", 15, 0, "身份证", "ID card"),
];

/// One pending transaction row.
struct Tx {
    booked_at: i64,
    value_date: NaiveDate,
    amount: i64,
    description: &'static str,
    counterparty: String,
    category: &'static str,
}

const SPENDING: [(&str, &str, &[&str], i64, i64); 6] = [
    // (category, description, merchants, min fen, max fen)
    ("groceries", "超市购物", &["联华超市", "盒马鲜生", "家乐福"], 3_000, 45_000),
    ("dining", "餐饮消费", &["老盛昌", "小杨生煎", "星巴克", "海底捞"], 2_500, 60_000),
    ("transport", "交通出行", &["上海地铁", "滴滴出行", "中国铁路12306"], 300, 55_000),
    ("shopping", "网络购物", &["京东", "淘宝", "拼多多"], 5_000, 150_000),
    ("health", "医疗药品", &["华山医院", "雷允上药房"], 2_000, 80_000),
    ("entertainment", "文化娱乐", &["万达影城", "上海大剧院"], 4_000, 50_000),
];

/// Writes the demo data. Call only on an empty database (see [`is_empty`]).
pub async fn generate(pool: &AnyPool, size: &DemoSize) -> Result<DemoSummary> {
    generate_parts(pool, size, true).await
}

/// The demo data without the wealth-product catalogue (nor what came after it): for tests that
/// fill a database migrated only as far as a schema from before the catalogue (migration 0011).
pub async fn generate_without_catalogue(pool: &AnyPool, size: &DemoSize) -> Result<DemoSummary> {
    generate_parts(pool, size, false).await
}

async fn generate_parts(pool: &AnyPool, size: &DemoSize, catalogue: bool) -> Result<DemoSummary> {
    let created_at = unix_at(size.as_of, NaiveTime::MIN);
    let customer_hash = hash_password(CUSTOMER_DEMO_PASSWORD, size.seed)?;
    let staff_hash = hash_password(STAFF_DEMO_PASSWORD, size.seed.wrapping_add(1))?;
    let mut summary = DemoSummary::default();

    let mut tx = pool.begin().await?;
    insert_branches_services_staff(&mut tx, &staff_hash, created_at, &mut summary).await?;

    // Customers are written in chunks, each chunk in its own transaction, so huge benchmark
    // sizes do not hold one giant transaction; the standard size is a single transaction.
    const CUSTOMERS_PER_COMMIT: u32 = 1000;
    let mut account_seq: u64 = 0;
    let mut pending = PendingTransactions::default();
    for n in 1..=size.customers {
        let mut rng = stream(size.seed, n, 0);
        let customer_id = insert_customer(&mut tx, &mut rng, n, size, &customer_hash, created_at).await?;
        summary.customers += 1;
        for (k, plan) in (1..).zip(plan_accounts(&mut rng, n)) {
            account_seq += 1;
            let mut rng = stream(size.seed, n, k);
            let (account_id, rows) =
                insert_account(&mut tx, &mut rng, customer_id, n, account_seq, &plan, size, created_at).await?;
            summary.accounts += 1;
            for (row, balance) in rows {
                pending.rows.push((account_id, plan.currency, row, balance));
                if pending.rows.len() >= PendingTransactions::BATCH_ROWS {
                    summary.transactions += pending.flush(&mut tx).await?;
                }
            }
        }
        if n % CUSTOMERS_PER_COMMIT == 0 {
            summary.transactions += pending.flush(&mut tx).await?;
            tx.commit().await?;
            tx = pool.begin().await?;
        }
    }
    summary.transactions += pending.flush(&mut tx).await?;
    // Closures in the booking window: B003 is closed for maintenance in three days, every
    // branch on New Year's Day.
    let closures = [
        ("B003", size.as_of + Duration::days(3), "设备检修，暂停营业", "Closed for maintenance"),
        ("B001", NaiveDate::from_ymd_opt(size.as_of.year() + 1, 1, 1).unwrap_or(size.as_of), "元旦", "New Year's Day"),
    ];
    for (code, day, zh, en) in closures {
        sqlx::query(
            "INSERT INTO branch_closures (branch_id, day, reason_zh, reason_en) \
             SELECT id, $1, $2, $3 FROM branches WHERE code = $4",
        )
        .bind(day.to_string())
        .bind(zh)
        .bind(en)
        .bind(code)
        .execute(&mut *tx)
        .await?;
    }
    insert_demo_visits(&mut tx, size).await?;
    if catalogue {
        insert_wealth_products(&mut tx, size).await?;
        // Customer 3 also works at the bank: an assisted session for them needs a supervisor.
        sqlx::query("UPDATE customers SET is_employee = 1 WHERE customer_no = 'C000003'").execute(&mut *tx).await?;
    }
    // C000001 has set a balance alert above what the first current account holds, so the
    // first run of the alert job has something to say (Messages, and an SMS in the outbox).
    sqlx::query(
        "INSERT INTO account_alerts (account_id, low_balance_minor, due_reminder_days, updated_at) \
         SELECT id, (available_balance_minor / 100000 + 1) * 100000, 3, $1 FROM accounts \
         WHERE customer_id = (SELECT id FROM customers WHERE customer_no = 'C000001') AND kind = 'demand' \
         ORDER BY id LIMIT 1",
    )
    .bind(created_at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await.context("committing the demo data")?;
    Ok(summary)
}

/// One wealth product of the demo catalogue.
struct DemoProduct {
    code: &'static str,
    name_zh: &'static str,
    name_en: &'static str,
    kind: &'static str,
    risk: i64,
    currency: &'static str,
    /// Minimum and step, in whole units.
    min: i64,
    step: i64,
    term_days: Option<i64>,
    yield_bp: Option<(i64, i64)>,
    benchmark: (&'static str, &'static str),
    fees_bp: (i64, i64),
    /// The subscription window, in days from the demo date (first, last); `None`: always open.
    window: Option<(i64, i64)>,
    private: bool,
}

const DEMO_PRODUCTS: [DemoProduct; 12] = {
    const fn p(
        code: &'static str,
        name_zh: &'static str,
        name_en: &'static str,
        kind: &'static str,
        risk: i64,
    ) -> DemoProduct {
        DemoProduct {
            code,
            name_zh,
            name_en,
            kind,
            risk,
            currency: "CNY",
            min: 10_000,
            step: 1_000,
            term_days: None,
            yield_bp: None,
            benchmark: ("", ""),
            fees_bp: (0, 30),
            window: None,
            private: false,
        }
    }
    [
        DemoProduct {
            min: 1,
            step: 1,
            yield_bp: Some((150, 210)),
            fees_bp: (0, 15),
            ..p("AX-CASH-01", "安心天天利现金管理", "Anxin Daily Cash", "cash_management", 1)
        },
        DemoProduct {
            min: 1_000,
            step: 100,
            term_days: Some(91),
            yield_bp: Some((220, 260)),
            ..p("AX-FI-91", "安心稳盈 91 天", "Anxin Steady 91 Days", "fixed_income", 2)
        },
        DemoProduct {
            term_days: Some(182),
            yield_bp: Some((250, 300)),
            ..p("AX-FI-182", "安心稳盈半年定开", "Anxin Steady Half-Year", "fixed_income", 2)
        },
        DemoProduct {
            term_days: Some(365),
            yield_bp: Some((270, 340)),
            window: Some((-30, -1)),
            ..p("AX-FI-365", "安心稳盈一年期（已结束募集）", "Anxin Steady One Year (closed)", "fixed_income", 2)
        },
        DemoProduct {
            currency: "USD",
            min: 1_000,
            step: 100,
            term_days: Some(180),
            yield_bp: Some((380, 450)),
            ..p("AX-USD-180", "安心美元稳健 180 天", "Anxin USD Steady 180 Days", "fixed_income", 2)
        },
        DemoProduct {
            yield_bp: Some((300, 450)),
            ..p("AX-MIX-01", "安心平衡增利混合", "Anxin Balanced Mixed", "mixed", 3)
        },
        DemoProduct {
            term_days: Some(365),
            benchmark: ("中债综合指数×80% + 沪深300指数×20%", "80% China Bond Composite + 20% CSI 300"),
            window: Some((0, 20)),
            ..p("AX-MIX-365", "安心固收+一年定开", "Anxin Bond Plus One Year", "mixed", 3)
        },
        DemoProduct {
            min: 50_000,
            benchmark: ("沪深300指数×90% + 活期存款利率×10%", "90% CSI 300 + 10% demand deposit rate"),
            fees_bp: (100, 120),
            ..p("AX-EQ-01", "安心优选成长股票", "Anxin Growth Equity", "equity", 4)
        },
        DemoProduct {
            min: 50_000,
            benchmark: ("中证科技指数", "CSI Technology Index"),
            fees_bp: (120, 150),
            window: Some((5, 35)),
            ..p("AX-EQ-TECH", "安心科技先锋股票（即将发行）", "Anxin Tech Pioneers Equity (coming soon)", "equity", 4)
        },
        DemoProduct {
            min: 50_000,
            term_days: Some(90),
            yield_bp: Some((150, 620)),
            fees_bp: (0, 50),
            ..p("AX-SN-90", "安心汇率挂钩结构性理财", "Anxin FX-Linked Structured Note", "structured", 4)
        },
        DemoProduct {
            min: 100_000,
            term_days: Some(180),
            yield_bp: Some((0, 1200)),
            fees_bp: (0, 80),
            ..p("AX-SN-180", "安心商品挂钩结构性理财", "Anxin Commodity-Linked Structured Note", "structured", 5)
        },
        DemoProduct {
            min: 1_000_000,
            step: 100_000,
            term_days: Some(730),
            benchmark: ("年化 8% 业绩比较基准（不构成收益承诺）", "8% a year performance benchmark (not a promise)"),
            fees_bp: (100, 200),
            private: true,
            ..p("AX-PP-01", "安心私募精选一期", "Anxin Private Select I", "equity", 5)
        },
    ]
};

/// The demo catalogue: twelve products across R1–R5 and every kind, open-ended and with a term,
/// one in US dollars, one whose window has closed, one not open yet, and one private placement.
async fn insert_wealth_products(tx: &mut Transaction<'_, Any>, size: &DemoSize) -> Result<()> {
    for p in &DEMO_PRODUCTS {
        let (disclosure_zh, disclosure_en) = (
            format!(
                "本产品风险等级为 R{}。理财非存款，产品有风险，投资须谨慎。本产品不保证本金和收益，业绩比较基准或预期收益不代表实际收益。\
                 您可能损失部分或全部本金。请确认您已阅读产品说明书，了解产品的投资范围、费用、期限和赎回规则。",
                p.risk
            ),
            format!(
                "This product is rated R{}. A wealth product is not a deposit and carries risk: invest with care. Neither the \
                 principal nor any return is guaranteed; a benchmark or expected yield is not the actual return, and you may \
                 lose part or all of your principal. Please confirm you have read the prospectus: what it invests in, its fees, \
                 its term and how it is redeemed.",
                p.risk
            ),
        );
        let window = p.window.map(|(from, to)| (size.as_of + Duration::days(from), size.as_of + Duration::days(to)));
        sqlx::query(
            "INSERT INTO wealth_products (code, name_zh, name_en, kind, risk, currency, min_minor, step_minor, term_days, \
             yield_low_bp, yield_high_bp, benchmark_zh, benchmark_en, subscription_fee_bp, management_fee_bp, window_opens, \
             window_closes, private_placement, disclosure_version, disclosure_zh, disclosure_en) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)",
        )
        .bind(p.code).bind(p.name_zh).bind(p.name_en).bind(p.kind).bind(p.risk).bind(p.currency)
        .bind(p.min * 100).bind(p.step * 100).bind(p.term_days)
        .bind(p.yield_bp.map(|y| y.0)).bind(p.yield_bp.map(|y| y.1))
        .bind(p.benchmark.0).bind(p.benchmark.1).bind(p.fees_bp.0).bind(p.fees_bp.1)
        .bind(window.map(|w| w.0.to_string())).bind(window.map(|w| w.1.to_string()))
        .bind(i64::from(p.private)).bind("2026-12 v1").bind(disclosure_zh).bind(disclosure_en)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A branch visit for today and one for tomorrow at every branch open then, so the branch staff's
/// day list has work to show, booked by customers for whom no browser test books a visit (not
/// C000005, C000008, C000009, nor the appointment slots' C000040–43), so none of their bookings
/// can meet one of these. The slots' counters are kept as a booking would keep them.
async fn insert_demo_visits(tx: &mut Transaction<'_, Any>, size: &DemoSize) -> Result<()> {
    if size.customers < 49 {
        return Ok(());
    }
    let service: (i64, i64) =
        sqlx::query_as("SELECT id, duration_minutes FROM services WHERE code = 'card_replacement'")
            .fetch_one(&mut **tx)
            .await?;
    let customers: Vec<String> = [2, 3, 4, 6, 7, 44, 45, 46, 47, 48, 49].map(|n| format!("C{n:06}")).to_vec();
    let mut n = 0usize;
    for (i, b) in BRANCHES.iter().enumerate() {
        let branch_id: i64 =
            sqlx::query_scalar("SELECT id FROM branches WHERE code = $1").bind(b.code).fetch_one(&mut **tx).await?;
        for day in [size.as_of, size.as_of + Duration::days(1)] {
            let Some((_, opens, _)) = b.hours.iter().find(|h| h.0 == i64::from(day.weekday().number_from_monday()))
            else {
                continue;
            };
            let opens = NaiveTime::parse_from_str(opens, "%H:%M")?;
            {
                let starts = unix_at(day, opens) + (1 + i as i64 % 3) * service.1 * 60;
                let (customer_id, tier): (i64, String) =
                    sqlx::query_as("SELECT id, tier FROM customers WHERE customer_no = $1")
                        .bind(&customers[n % customers.len()])
                        .fetch_one(&mut **tx)
                        .await?;
                let regular = i64::from(!app::appointments::rules::is_vip(&tier));
                sqlx::query(
                    "INSERT INTO slot_usage (branch_id, service_id, starts_at, capacity, vip_reserved, taken, regular_taken) \
                     VALUES ($1, $2, $3, $4, $5, 1, $6)",
                )
                .bind(branch_id).bind(service.0).bind(starts).bind(b.counters).bind(b.vip_counters.min(b.counters)).bind(regular)
                .execute(&mut **tx)
                .await?;
                sqlx::query(
                    "INSERT INTO appointments (reference, customer_id, branch_id, service_id, starts_at, ends_at, status, regular_place, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, 'booked', $7, $8)",
                )
                .bind(app::appointments::rules::reference_code(0x5eed_0000 + n as u64 * 7919))
                .bind(customer_id).bind(branch_id).bind(service.0).bind(starts).bind(starts + service.1 * 60).bind(regular)
                .bind(unix_at(size.as_of, NaiveTime::MIN))
                .execute(&mut **tx)
                .await?;
                n += 1;
            }
        }
    }
    Ok(())
}

async fn insert_branches_services_staff(
    tx: &mut Transaction<'_, Any>,
    staff_hash: &str,
    created_at: i64,
    summary: &mut DemoSummary,
) -> Result<()> {
    let mut service_ids = Vec::new();
    for (code, zh, en, minutes, lead, docs_zh, docs_en) in SERVICES {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO services (code, name_zh, name_en, duration_minutes, lead_time_hours, documents_zh, documents_en) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(code).bind(zh).bind(en).bind(minutes).bind(lead).bind(docs_zh).bind(docs_en)
        .fetch_one(&mut **tx)
        .await?;
        service_ids.push(id);
    }
    for (i, b) in BRANCHES.iter().enumerate() {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO branches (code, name_zh, name_en, district_zh, district_en, address_zh, address_en, phone, step_free, elderly_window, counters, vip_counters) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(b.code).bind(b.name_zh).bind(b.name_en).bind(b.district_zh).bind(b.district_en)
        .bind(format!("上海市{}{}", b.district_zh, b.street_zh))
        .bind(format!("{}, {}, Shanghai", b.street_en, b.district_en))
        .bind(format!("021-6{:03}-{:04}", 100 + i, 8800 + i))
        .bind(i64::from(b.step_free)).bind(i64::from(b.elderly_window)).bind(b.counters).bind(b.vip_counters)
        .fetch_one(&mut **tx)
        .await?;
        summary.branches += 1;
        for (weekday, opens, closes) in b.hours {
            sqlx::query("INSERT INTO branch_hours (branch_id, weekday, opens, closes) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(*weekday)
                .bind(*opens)
                .bind(*closes)
                .execute(&mut **tx)
                .await?;
        }
        // Every branch offers the everyday services; the wealth and large-cash desks only some.
        for (s, service_id) in service_ids.iter().enumerate() {
            let offered = match SERVICES[s].0 {
                "wealth_consultation" => b.vip_counters > 0,
                "foreign_exchange" => i % 2 == 0,
                _ => true,
            };
            if offered {
                sqlx::query("INSERT INTO branch_services (branch_id, service_id) VALUES ($1, $2)")
                    .bind(id)
                    .bind(*service_id)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        // Staff: one branch member per branch.
        insert_staff(
            tx,
            &format!("S{:04}", 200 + i + 1),
            &format!("网点柜员{}", i + 1),
            "branch_staff",
            Some(id),
            staff_hash,
            created_at,
        )
        .await?;
        summary.staff += 1;
    }
    for (no, name, role) in [
        ("S0001", "客服专员甲", "agent"),
        ("S0002", "客服专员乙", "agent"),
        ("S0003", "客服专员丙", "agent"),
        ("S0004", "客服专员丁", "agent"),
        ("S0005", "客服专员戊", "agent"),
        ("S0006", "客服专员己", "agent"),
        ("S0007", "客服专员庚", "agent"),
        ("S0008", "客服专员辛", "agent"),
        ("S0009", "客服专员壬", "agent"),
        ("S0010", "客服专员癸", "agent"),
        ("S0101", "客服主管", "supervisor"),
        ("S0102", "网点主管甲", "supervisor"),
        ("S0103", "网点主管乙", "supervisor"),
        ("S0104", "质量主管甲", "supervisor"),
        ("S0105", "质量主管乙", "supervisor"),
        ("S0106", "理财主管甲", "supervisor"),
        ("S0107", "理财主管乙", "supervisor"),
        ("S0108", "协助主管甲", "supervisor"),
        ("S0109", "协助主管乙", "supervisor"),
        ("S0110", "服务质量主管", "supervisor"),
    ] {
        insert_staff(tx, no, name, role, None, staff_hash, created_at).await?;
        summary.staff += 1;
    }
    Ok(())
}

async fn insert_staff(
    tx: &mut Transaction<'_, Any>,
    staff_no: &str,
    name: &str,
    role: &str,
    branch_id: Option<i64>,
    hash: &str,
    created_at: i64,
) -> Result<()> {
    let mobile = format!("139{:08}", staff_no[1..].parse::<u32>().unwrap_or(0));
    sqlx::query("INSERT INTO staff_users (staff_no, name, role, branch_id, mobile, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(staff_no).bind(name).bind(role).bind(branch_id).bind(mobile).bind(hash).bind(created_at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The random stream of customer `n` (`k` 0) or of their `k`th account: the same whatever the
/// date and however much the customers and accounts before it drew.
fn stream(seed: u64, n: u32, k: u32) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(u64::from(n) << 32 | u64::from(k));
    rng
}

/// Customer n's fixed traits: the first few are chosen so every case the portal must handle exists.
/// Customers 5–9 (aged 65 or more, the elder-mode and delegation browser tests' customers) are
/// never diamond, so an assisted session for them needs no supervisor.
fn tier_of(rng: &mut ChaCha8Rng, n: u32) -> &'static str {
    match n {
        1 => "regular",
        2 => "gold",
        3 => "platinum",
        4 => "diamond",
        5..=9 => ["regular", "gold", "platinum"][rng.gen_range(0..3)],
        _ => match rng.gen_range(0..100) {
            0..=59 => "regular",
            60..=84 => "gold",
            85..=95 => "platinum",
            _ => "diamond",
        },
    }
}

async fn insert_customer(
    tx: &mut Transaction<'_, Any>,
    rng: &mut ChaCha8Rng,
    n: u32,
    size: &DemoSize,
    hash: &str,
    created_at: i64,
) -> Result<i64> {
    let tier = tier_of(rng, n);
    let name =
        format!("{}{}", SURNAMES.choose(rng).copied().unwrap_or("王"), GIVEN.choose(rng).copied().unwrap_or("明"));
    // Customers 5–9 are 65 or older (elder mode, R4/R5 warnings); the rest 20–64.
    let age: u32 = if (5..=9).contains(&n) { rng.gen_range(65..=88) } else { rng.gen_range(20..=64) };
    // Exactly `age` years old on `as_of`: their last birthday within the past year.
    let birth = size.as_of.checked_sub_months(chrono::Months::new(12 * age)).unwrap_or(size.as_of)
        - Duration::days(rng.gen_range(0..365));
    let suspended = i64::from(n == 10);
    let locale = if n % 7 == 3 { "en" } else { "zh-CN" };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO customers (customer_no, mobile, email, name, tier, birth_date, ebanking_suspended, password_hash, preferred_locale, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(format!("C{n:06}"))
    .bind(format!("138{n:08}"))
    .bind(format!("customer{n}@example.com"))
    .bind(name)
    .bind(tier)
    .bind(birth.to_string())
    .bind(suspended)
    .bind(hash)
    .bind(locale)
    .bind(created_at)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Demand,
    TimeDeposit,
    CreditCard,
    Loan,
    Wealth,
}

struct AccountPlan {
    kind: Kind,
    currency: &'static str,
    status: &'static str,
}

fn plan_accounts(rng: &mut ChaCha8Rng, n: u32) -> Vec<AccountPlan> {
    let plan = |kind, currency, status| AccountPlan { kind, currency, status };
    let mut accounts = vec![plan(Kind::Demand, "CNY", "active")];
    if n == 1 {
        // The main demo login holds one of everything, and a US-dollar account.
        accounts.extend([
            plan(Kind::Demand, "USD", "active"),
            plan(Kind::TimeDeposit, "CNY", "active"),
            plan(Kind::CreditCard, "CNY", "active"),
            plan(Kind::Loan, "CNY", "active"),
            plan(Kind::Wealth, "CNY", "active"),
        ]);
        return accounts;
    }
    if n == 11 {
        // A customer with one frozen account (and an active one, so sign-in still works).
        accounts.push(plan(Kind::Demand, "CNY", "frozen"));
    }
    if rng.gen_bool(0.15) {
        accounts.push(plan(Kind::Demand, "USD", if rng.gen_bool(0.2) { "dormant" } else { "active" }));
    }
    if rng.gen_bool(0.5) {
        accounts.push(plan(Kind::TimeDeposit, "CNY", "active"));
    }
    if rng.gen_bool(0.55) {
        accounts.push(plan(Kind::CreditCard, "CNY", "active"));
    }
    if rng.gen_bool(0.3) {
        accounts.push(plan(Kind::Loan, "CNY", "active"));
    }
    if rng.gen_bool(0.4) {
        accounts.push(plan(Kind::Wealth, "CNY", "active"));
    }
    accounts
}

/// A 19-digit account number (16 for cards), unique per sequence number: multiplying by a
/// prime coprime to 10^11 permutes the 11-digit block.
fn account_number(kind: Kind, seq: u64) -> String {
    let block = (seq.wrapping_mul(7919)) % 100_000_000_000;
    match kind {
        Kind::CreditCard => format!("62258{block:011}"),
        _ => format!("62220210{block:011}"),
    }
}

/// An account's terms as the generator decides them, before it is written.
struct Terms {
    kind: &'static str,
    product: &'static str,
    /// Credit limit (cards) or original principal (loans), in fen.
    limit: Option<i64>,
    rate_bp: Option<i64>,
    opened: NaiveDate,
    matures: Option<NaiveDate>,
    due_day: Option<i64>,
    rows: Vec<Tx>,
}

#[allow(clippy::too_many_arguments)]
async fn insert_account(
    tx: &mut Transaction<'_, Any>,
    rng: &mut ChaCha8Rng,
    customer_id: i64,
    n: u32,
    seq: u64,
    plan: &AccountPlan,
    size: &DemoSize,
    created_at: i64,
) -> Result<(i64, Vec<(Tx, i64)>)> {
    let number = account_number(plan.kind, seq);
    let start = size.as_of - Duration::days(730);
    let Terms { kind, product, limit, rate_bp, opened, matures, due_day, rows } = match plan.kind {
        Kind::Demand => Terms {
            kind: "demand",
            product: if plan.currency == "USD" { "美元活期储蓄" } else { "人民币活期储蓄" },
            limit: None,
            rate_bp: Some(20),
            opened: start - Duration::days(rng.gen_range(30..2000)),
            matures: None,
            due_day: None,
            rows: demand_history(rng, n, plan.currency, size),
        },
        Kind::TimeDeposit => {
            let opened = size.as_of - Duration::days(rng.gen_range(30..700));
            let years = [1, 2, 3][rng.gen_range(0..3)];
            let principal = rng.gen_range(10..=50) * 1_000_000; // 10,000 – 50,000 yuan in fen
            Terms {
                kind: "time_deposit",
                product: "整存整取定期",
                limit: None,
                rate_bp: Some([145, 165, 195][(years - 1) as usize]),
                opened,
                matures: Some(opened + Duration::days(365 * years)),
                due_day: None,
                rows: vec![Tx {
                    booked_at: unix_at(opened, NaiveTime::from_hms_opt(10, 0, 0).unwrap_or(NaiveTime::MIN)),
                    value_date: opened,
                    amount: principal,
                    description: "定期存入",
                    counterparty: String::new(),
                    category: "deposit",
                }],
            }
        }
        Kind::CreditCard => Terms {
            kind: "credit_card",
            product: "信用卡",
            limit: Some([2_000_000, 5_000_000, 10_000_000][rng.gen_range(0..3)]),
            rate_bp: None,
            opened: start - Duration::days(100),
            matures: None,
            due_day: Some(rng.gen_range(5..=25)),
            rows: card_history(rng, size),
        },
        Kind::Loan => {
            let principal = rng.gen_range(20..=100) * 1_000_000;
            let opened = size.as_of - Duration::days(rng.gen_range(200..700));
            Terms {
                kind: "loan",
                product: "个人消费贷款",
                limit: Some(principal),
                rate_bp: Some(385),
                opened,
                matures: Some(opened + Duration::days(365 * 3)),
                due_day: Some(15),
                rows: loan_history(principal, opened, size.as_of),
            }
        }
        Kind::Wealth => {
            let opened = size.as_of - Duration::days(rng.gen_range(60..600));
            let amount = rng.gen_range(5..=30) * 1_000_000;
            Terms {
                kind: "wealth",
                product: "安心稳健理财1号",
                limit: None,
                rate_bp: None,
                opened,
                matures: None,
                due_day: None,
                rows: vec![Tx {
                    booked_at: unix_at(opened, NaiveTime::from_hms_opt(14, 0, 0).unwrap_or(NaiveTime::MIN)),
                    value_date: opened,
                    amount,
                    description: "理财产品申购",
                    counterparty: "安心稳健理财1号".to_owned(),
                    category: "investment",
                }],
            }
        }
    };
    // Running balances, oldest first. Liability accounts run negative (what is owed).
    let opening: i64 = match plan.kind {
        Kind::Loan => -limit.unwrap_or(0),
        _ => 0,
    };
    let mut balance = opening;
    let mut with_balance = Vec::with_capacity(rows.len());
    for row in rows {
        balance += row.amount;
        with_balance.push((row, balance));
    }
    if plan.kind == Kind::Wealth {
        // Market value drifts from the subscription amount.
        balance = balance * rng.gen_range(97..=108) / 100;
    }
    let available = match plan.kind {
        Kind::CreditCard => limit.unwrap_or(0) + balance,
        Kind::Demand if plan.status == "frozen" => 0,
        _ => balance,
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO accounts (customer_id, kind, product_name, number, masked_number, currency, ledger_balance_minor, available_balance_minor, \
         limit_minor, rate_bp, opened_on, matures_on, due_day, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
    )
    .bind(customer_id).bind(kind).bind(product).bind(&number).bind(mask_account_number(&number)).bind(plan.currency)
    .bind(balance).bind(available).bind(limit).bind(rate_bp).bind(opened.to_string()).bind(matures.map(|d| d.to_string()))
    .bind(due_day).bind(plan.status).bind(created_at)
    .fetch_one(&mut **tx)
    .await?;
    Ok((id, with_balance))
}

fn at(rng: &mut ChaCha8Rng, date: NaiveDate) -> i64 {
    let time = NaiveTime::from_hms_opt(rng.gen_range(8..22), rng.gen_range(0..60), rng.gen_range(0..60))
        .unwrap_or(NaiveTime::MIN);
    unix_at(date, time)
}

fn tx(
    rng: &mut ChaCha8Rng,
    date: NaiveDate,
    amount: i64,
    description: &'static str,
    counterparty: &str,
    category: &'static str,
) -> Tx {
    Tx {
        booked_at: at(rng, date),
        value_date: date,
        amount,
        description,
        counterparty: counterparty.to_owned(),
        category,
    }
}

fn month_day(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Months (year, month) from 24 months before `as_of` up to its month.
fn months(as_of: NaiveDate) -> impl Iterator<Item = (i32, u32)> {
    (0..=24).rev().map(move |back| {
        let total = as_of.year() * 12 + as_of.month0() as i32 - back;
        (total.div_euclid(12), total.rem_euclid(12) as u32 + 1)
    })
}

fn demand_history(rng: &mut ChaCha8Rng, n: u32, currency: &str, size: &DemoSize) -> Vec<Tx> {
    let first = size.as_of - Duration::days(730);
    let in_range = |d: &NaiveDate| *d >= first && *d <= size.as_of;
    let mut rows = Vec::new();
    if let Some(count) = size.transactions_per_account {
        // Benchmark mode: `count` rows spread evenly over the 24 months.
        let step = (730 * 86_400) / i64::from(count.max(1));
        let mut balance = 0i64;
        for i in 0..count {
            let booked_at = unix_at(first, NaiveTime::MIN) + i64::from(i) * step;
            let date =
                chrono::DateTime::from_timestamp(booked_at + CST_OFFSET_SECS, 0).map_or(first, |d| d.date_naive());
            let (category, description, merchants, min, max) = SPENDING[i as usize % SPENDING.len()];
            let amount =
                if i % 10 == 0 || balance < max { rng.gen_range(500_000..1_500_000) } else { -rng.gen_range(min..max) };
            balance += amount;
            let merchant = merchants[i as usize % merchants.len()];
            rows.push(Tx {
                booked_at,
                value_date: date,
                amount,
                description,
                counterparty: merchant.to_owned(),
                category,
            });
        }
        return rows;
    }
    if currency == "USD" {
        for (y, m) in months(size.as_of) {
            if let Some(d) = month_day(y, m, 10).filter(in_range).filter(|_| m % 4 == 0) {
                let amount = rng.gen_range(20_000..300_000);
                rows.push(tx(rng, d, amount, "外汇汇入", "HSBC Hong Kong", "transfer_in"));
            }
        }
        return rows;
    }
    let salary = 800_000 + i64::from(n % 13) * 150_000 + rng.gen_range(0..5) * 50_000;
    let rent = salary * rng.gen_range(20..35) / 100;
    let employer = ["上海某科技有限公司", "浦东某贸易公司", "徐汇区某医院", "某区教育局"][n as usize % 4];
    rows.push(tx(rng, first, salary * 2, "期初存入", "", "deposit"));
    for (y, m) in months(size.as_of) {
        let push = |rows: &mut Vec<Tx>,
                    rng: &mut ChaCha8Rng,
                    day: u32,
                    amount: i64,
                    desc: &'static str,
                    cp: &str,
                    cat: &'static str| {
            if let Some(d) = month_day(y, m, day).filter(in_range) {
                rows.push(tx(rng, d, amount, desc, cp, cat));
            }
        };
        push(&mut rows, rng, 10, salary, "工资", employer, "salary");
        push(&mut rows, rng, 1, -rent, "房租", "链家房屋租赁", "housing");
        let (day, amount) = (12, -rng.gen_range(8_000..40_000));
        push(&mut rows, rng, day, amount, "电费", "国网上海电力", "utilities");
        let (day, amount) = (14, -rng.gen_range(3_000..9_000));
        push(&mut rows, rng, day, amount, "水费", "上海城投水务", "utilities");
        let (day, amount) = (16, -rng.gen_range(3_000..15_000));
        push(&mut rows, rng, day, amount, "燃气费", "上海燃气", "utilities");
        let (day, amount) = (18, -rng.gen_range(5_900..19_900));
        push(&mut rows, rng, day, amount, "话费", "中国移动", "utilities");
        for _ in 0..rng.gen_range(10..22) {
            let (category, description, merchants, min, max) = SPENDING[rng.gen_range(0..SPENDING.len())];
            let merchant = merchants[rng.gen_range(0..merchants.len())];
            let (day, amount) = (rng.gen_range(1..=28), -rng.gen_range(min..max));
            push(&mut rows, rng, day, amount, description, merchant, category);
        }
        if rng.gen_bool(0.3) {
            let (day, amount) = (rng.gen_range(1..=28), -rng.gen_range(50_000..300_000));
            push(&mut rows, rng, day, amount, "转账给家人", "家人账户", "transfer_out");
        }
        if rng.gen_bool(0.15) {
            let (day, amount) = (rng.gen_range(1..=28), rng.gen_range(20_000..200_000));
            push(&mut rows, rng, day, amount, "转账收入", "朋友账户", "transfer_in");
        }
        if matches!(m, 3 | 6 | 9 | 12) {
            let (day, amount) = (21, rng.gen_range(500..5_000));
            push(&mut rows, rng, day, amount, "结息", "", "interest");
        }
    }
    sort_and_keep_solvent(rows)
}

/// Orders rows in time and drops any debit that would overdraw the account.
fn sort_and_keep_solvent(mut rows: Vec<Tx>) -> Vec<Tx> {
    rows.sort_by_key(|r| r.booked_at);
    let mut balance = 0i64;
    rows.retain(|r| {
        if balance + r.amount < 0 {
            return false;
        }
        balance += r.amount;
        true
    });
    rows
}

fn card_history(rng: &mut ChaCha8Rng, size: &DemoSize) -> Vec<Tx> {
    let first = size.as_of - Duration::days(730);
    let in_range = |d: &NaiveDate| *d >= first && *d <= size.as_of;
    let mut rows = Vec::new();
    let mut owed = 0;
    for (y, m) in months(size.as_of) {
        // Last month's spending is repaid in full on the 5th.
        if let Some(d) = month_day(y, m, 5).filter(in_range).filter(|_| owed > 0) {
            rows.push(tx(rng, d, owed, "信用卡还款", "本行借记卡", "card_repayment"));
        }
        owed = 0;
        for _ in 0..rng.gen_range(4..12) {
            let (category, description, merchants, min, max) = SPENDING[rng.gen_range(0..SPENDING.len())];
            let merchant = merchants[rng.gen_range(0..merchants.len())];
            if let Some(d) = month_day(y, m, rng.gen_range(1..=28)).filter(in_range) {
                let amount = rng.gen_range(min..max);
                owed += amount;
                rows.push(tx(rng, d, -amount, description, merchant, category));
            }
        }
    }
    rows.sort_by_key(|r| r.booked_at);
    rows
}

fn loan_history(principal: i64, opened: NaiveDate, as_of: NaiveDate) -> Vec<Tx> {
    // Equal principal instalments over 36 months, interest shown separately on the schedule.
    let instalment = principal / 36;
    let mut rows = Vec::new();
    for k in 1..=36 {
        let Some(date) = opened.checked_add_months(chrono::Months::new(k)).filter(|d| *d <= as_of) else { break };
        rows.push(Tx {
            booked_at: unix_at(date, NaiveTime::from_hms_opt(6, 0, 0).unwrap_or(NaiveTime::MIN)),
            value_date: date,
            amount: instalment,
            description: "贷款还款",
            counterparty: "本行借记卡".to_owned(),
            category: "loan_repayment",
        });
    }
    rows
}

/// Transaction rows waiting to be written in one multi-row INSERT.
#[derive(Default)]
struct PendingTransactions {
    /// (account id, currency, row, balance after)
    rows: Vec<(i64, &'static str, Tx, i64)>,
    /// Numbers the references: unique across the whole generation.
    written: u64,
}

impl PendingTransactions {
    /// Rows per INSERT. Measured on the 50-customer demo (debug build): 1000 rows per statement
    /// took 5.5 s on SQLite, 100 rows 1.4 s (sqlx's SQLite driver slows down on very wide
    /// statements); PostgreSQL is indifferent.
    const BATCH_ROWS: usize = 100;

    async fn flush(&mut self, tx: &mut Transaction<'_, Any>) -> Result<u64> {
        if self.rows.is_empty() {
            return Ok(0);
        }
        // Built by hand: sqlx's QueryBuilder writes `?` placeholders for `Any`, which PostgreSQL
        // does not accept; `$n` works on both backends.
        const COLUMNS: usize = 10;
        let mut sql = String::from(
            "INSERT INTO transactions (account_id, booked_at, value_date, amount_minor, currency, balance_after_minor, description, counterparty, category, reference) VALUES ",
        );
        for row in 0..self.rows.len() {
            sql.push_str(if row == 0 { "(" } else { ", (" });
            for col in 0..COLUMNS {
                if col > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("${}", row * COLUMNS + col + 1));
            }
            sql.push(')');
        }
        let first = self.written;
        let mut query = sqlx::query(&sql);
        for (i, (account_id, currency, row, balance)) in self.rows.iter().enumerate() {
            query = query
                .bind(*account_id)
                .bind(row.booked_at)
                .bind(row.value_date.to_string())
                .bind(row.amount)
                .bind(*currency)
                .bind(*balance)
                .bind(row.description)
                .bind(row.counterparty.clone())
                .bind(row.category)
                .bind(format!("T{:012}", first + i as u64 + 1));
        }
        query.execute(&mut **tx).await?;
        let n = self.rows.len() as u64;
        self.written += n;
        self.rows.clear();
        Ok(n)
    }
}
