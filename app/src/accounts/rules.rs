//! The rules of the accounts pages as pure functions: what each kind of account shows, the
//! consolidated figures, the dates coming up, loan schedules, and the history filter.

use super::{AccountKind, AccountStatus, AccountSummary};
use crate::money::{Currency, Money};
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// Total assets, total liabilities and net worth in one currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrencyTotals {
    pub currency: Currency,
    pub assets_minor: i64,
    pub liabilities_minor: i64,
    pub net_minor: i64,
}

/// What an account adds to the customer's assets (positive) or liabilities (as a positive debt).
/// Closed accounts count for nothing.
pub fn position(account: &AccountSummary) -> (i64, i64) {
    if account.status == AccountStatus::Closed {
        return (0, 0);
    }
    // Cards and loans run negative while something is owed; one in credit is an asset.
    let balance = account.ledger_minor;
    if balance < 0 { (0, -balance) } else { (balance, 0) }
}

/// One line per currency, CNY first, then by code.
pub fn consolidate(accounts: &[AccountSummary]) -> Vec<CurrencyTotals> {
    let mut totals: Vec<CurrencyTotals> = Vec::new();
    for account in accounts {
        let (assets, liabilities) = position(account);
        let line = match totals.iter_mut().position(|t| t.currency == account.currency) {
            Some(i) => &mut totals[i],
            None => {
                totals.push(CurrencyTotals {
                    currency: account.currency,
                    assets_minor: 0,
                    liabilities_minor: 0,
                    net_minor: 0,
                });
                totals.last_mut().expect("just pushed")
            }
        };
        line.assets_minor += assets;
        line.liabilities_minor += liabilities;
        line.net_minor = line.assets_minor - line.liabilities_minor;
    }
    totals.sort_by_key(|t| (t.currency != Currency::CNY, t.currency.code().to_owned()));
    totals
}

/// A date coming up that the customer should know about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upcoming {
    pub account_id: i64,
    pub what: UpcomingKind,
    pub on: NaiveDate,
    /// What is due or maturing, when known.
    pub amount: Option<Money>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UpcomingKind {
    CardPayment,
    LoanInstalment,
    DepositMaturity,
}

/// The next day-of-month `day` on or after `today`.
pub fn next_due(today: NaiveDate, day: u32) -> Option<NaiveDate> {
    let this_month = today.with_day(day)?;
    if this_month >= today { Some(this_month) } else { this_month.checked_add_months(Months::new(1)) }
}

/// Card payments, loan instalments and deposit maturities within `days` of `today`, soonest first.
pub fn upcoming(accounts: &[AccountSummary], today: NaiveDate, days: i64) -> Vec<Upcoming> {
    let horizon = today + chrono::Duration::days(days);
    let mut out: Vec<Upcoming> = accounts
        .iter()
        .filter(|a| a.status == AccountStatus::Active)
        .filter_map(|a| {
            let money = |minor| Money::new(minor, a.currency);
            let (what, on, amount) = match a.kind {
                AccountKind::CreditCard if a.ledger_minor < 0 => (
                    UpcomingKind::CardPayment,
                    next_due(today, a.due_day?)?,
                    Some(money(minimum_payment(-a.ledger_minor))),
                ),
                AccountKind::Loan if a.ledger_minor < 0 => (
                    UpcomingKind::LoanInstalment,
                    next_due(today, a.due_day?)?,
                    loan_terms(a).map(|t| money(t.instalment())),
                ),
                AccountKind::TimeDeposit => {
                    let on = a.matures_on?;
                    (UpcomingKind::DepositMaturity, on, Some(money(a.ledger_minor + deposit_interest(a).unwrap_or(0))))
                }
                _ => return None,
            };
            (on >= today && on <= horizon).then_some(Upcoming { account_id: a.id, what, on, amount })
        })
        .collect();
    out.sort_by_key(|u| (u.on, u.account_id));
    out
}

/// A card's minimum payment: 10% of what is owed, at least 100 yuan, never more than the debt.
pub fn minimum_payment(owed_minor: i64) -> i64 {
    if owed_minor <= 0 {
        return 0;
    }
    ((owed_minor + 9) / 10).max(10_000).min(owed_minor)
}

/// Simple interest a time deposit earns to maturity (rate in basis points a year, actual/365).
pub fn deposit_interest(account: &AccountSummary) -> Option<i64> {
    let days = (account.matures_on? - account.opened_on).num_days();
    let rate = i128::from(account.rate_bp?);
    let interest = i128::from(account.ledger_minor) * rate * i128::from(days) / (10_000 * 365);
    i64::try_from(interest).ok()
}

/// A loan's terms: principal, annual rate, number of monthly instalments, first due date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoanTerms {
    pub principal_minor: i64,
    pub rate_bp: i64,
    pub months: u32,
    pub first_due: NaiveDate,
}

pub fn loan_terms(account: &AccountSummary) -> Option<LoanTerms> {
    let end = account.matures_on?;
    let start = account.opened_on;
    let months = (end.year() - start.year()) * 12 + end.month() as i32 - start.month() as i32;
    let first_due = next_due(start.checked_add_months(Months::new(1))?.with_day(1)?, account.due_day?)?;
    Some(LoanTerms {
        principal_minor: account.limit_minor?,
        rate_bp: account.rate_bp?,
        months: u32::try_from(months).ok().filter(|m| *m > 0)?,
        first_due,
    })
}

/// One row of a repayment schedule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instalment {
    pub number: u32,
    pub due: NaiveDate,
    pub payment_minor: i64,
    pub principal_minor: i64,
    pub interest_minor: i64,
    pub remaining_minor: i64,
}

impl LoanTerms {
    /// The equal monthly payment (等额本息) in minor units, rounded up to the fen.
    pub fn instalment(&self) -> i64 {
        let p = self.principal_minor as f64;
        let r = self.rate_bp as f64 / 10_000.0 / 12.0;
        let n = f64::from(self.months);
        if r == 0.0 {
            return (p / n).ceil() as i64;
        }
        (p * r / (1.0 - (1.0 + r).powf(-n))).ceil() as i64
    }

    /// Every instalment; the last one settles what remains exactly.
    pub fn schedule(&self) -> Vec<Instalment> {
        let payment = self.instalment();
        let mut remaining = self.principal_minor;
        (1..=self.months)
            .map(|number| {
                let interest = (i128::from(remaining) * i128::from(self.rate_bp) / (10_000 * 12)) as i64;
                let principal = if number == self.months { remaining } else { (payment - interest).min(remaining) };
                remaining -= principal;
                Instalment {
                    number,
                    due: self.first_due.checked_add_months(Months::new(number - 1)).unwrap_or(self.first_due),
                    payment_minor: principal + interest,
                    principal_minor: principal,
                    interest_minor: interest,
                    remaining_minor: remaining,
                }
            })
            .collect()
    }
}

/// Whether money may leave or enter the account through the portal: only an active account.
/// Frozen, closed and dormant accounts are shown but cannot be used for anything that moves money.
pub fn can_move_money(status: AccountStatus) -> bool {
    status == AccountStatus::Active
}

/// Days from a transaction within which the bank accepts an error notice about it (the
/// e-banking agreements' 15 days).
pub const REPORT_WINDOW_DAYS: i64 = 15;

/// The last day of the notice window for a transaction on `transaction_date`, and whether a
/// report made on `reported_on` comes after it (late reports are accepted but flagged).
pub fn report_window(transaction_date: NaiveDate, reported_on: NaiveDate) -> (NaiveDate, bool) {
    let ends = transaction_date + chrono::Duration::days(REPORT_WINDOW_DAYS);
    (ends, reported_on > ends)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn account(id: i64, kind: AccountKind, currency: Currency, ledger: i64) -> AccountSummary {
        AccountSummary {
            id,
            kind,
            product_name: String::new(),
            masked_number: String::new(),
            currency,
            ledger_minor: ledger,
            available_minor: ledger,
            limit_minor: None,
            rate_bp: None,
            opened_on: date("2025-01-10"),
            matures_on: None,
            due_day: None,
            status: AccountStatus::Active,
        }
    }

    #[test]
    fn totals_are_per_currency_with_debts_as_liabilities_and_closed_accounts_ignored() {
        let mut closed = account(5, AccountKind::Demand, Currency::CNY, 99_999);
        closed.status = AccountStatus::Closed;
        let accounts = [
            account(1, AccountKind::Demand, Currency::CNY, 100_000),
            account(2, AccountKind::CreditCard, Currency::CNY, -30_000),
            account(3, AccountKind::Loan, Currency::CNY, -500_000),
            account(4, AccountKind::Demand, Currency::USD, 2_000),
            closed,
        ];
        let totals = consolidate(&accounts);
        assert_eq!(totals.len(), 2);
        assert_eq!(totals[0].currency, Currency::CNY);
        assert_eq!(
            (totals[0].assets_minor, totals[0].liabilities_minor, totals[0].net_minor),
            (100_000, 530_000, -430_000)
        );
        assert_eq!((totals[1].assets_minor, totals[1].net_minor), (2_000, 2_000));
    }

    #[test]
    fn due_days_roll_to_next_month_once_passed() {
        assert_eq!(next_due(date("2026-11-22"), 25), Some(date("2026-11-25")));
        assert_eq!(next_due(date("2026-11-22"), 22), Some(date("2026-11-22")));
        assert_eq!(next_due(date("2026-11-22"), 5), Some(date("2026-12-05")));
        assert_eq!(next_due(date("2026-12-28"), 5), Some(date("2027-01-05")));
    }

    #[test]
    fn minimum_payment_is_a_tenth_at_least_100_yuan_and_never_more_than_owed() {
        assert_eq!(minimum_payment(500_000), 50_000);
        assert_eq!(minimum_payment(50_000), 10_000);
        assert_eq!(minimum_payment(5_000), 5_000);
        assert_eq!(minimum_payment(0), 0);
    }

    #[test]
    fn upcoming_lists_what_falls_within_30_days_soonest_first() {
        let today = date("2026-11-22");
        let mut card = account(1, AccountKind::CreditCard, Currency::CNY, -200_000);
        card.due_day = Some(5);
        let mut paid_card = account(2, AccountKind::CreditCard, Currency::CNY, 0);
        paid_card.due_day = Some(1);
        let mut deposit = account(3, AccountKind::TimeDeposit, Currency::CNY, 1_000_000);
        deposit.matures_on = Some(date("2026-11-30"));
        deposit.rate_bp = Some(145);
        let mut far = account(4, AccountKind::TimeDeposit, Currency::CNY, 1_000_000);
        far.matures_on = Some(date("2027-03-01"));
        let list = upcoming(&[card, paid_card, deposit, far], today, 30);
        assert_eq!(
            list.iter().map(|u| (u.account_id, u.what)).collect::<Vec<_>>(),
            vec![(3, UpcomingKind::DepositMaturity), (1, UpcomingKind::CardPayment)]
        );
        assert_eq!(list[1].amount, Some(Money::new(20_000, Currency::CNY)));
        assert!(list[0].amount.unwrap().minor > 1_000_000, "maturity includes interest");
    }

    #[test]
    fn a_loan_schedule_pays_off_the_principal_exactly() {
        let terms = LoanTerms { principal_minor: 12_000_000, rate_bp: 385, months: 36, first_due: date("2025-02-15") };
        let schedule = terms.schedule();
        assert_eq!(schedule.len(), 36);
        assert_eq!(schedule.iter().map(|i| i.principal_minor).sum::<i64>(), 12_000_000);
        assert_eq!(schedule.last().unwrap().remaining_minor, 0);
        assert_eq!(schedule[1].due, date("2025-03-15"));
        // 120,000 yuan at 3.85% over 3 years: about 3,533 yuan a month.
        assert!((353_000..354_000).contains(&terms.instalment()), "{}", terms.instalment());
    }

    #[test]
    fn deposit_interest_is_simple_interest_to_maturity() {
        let mut d = account(1, AccountKind::TimeDeposit, Currency::CNY, 1_000_000);
        d.rate_bp = Some(195);
        d.opened_on = date("2025-01-01");
        d.matures_on = Some(date("2026-01-01"));
        assert_eq!(deposit_interest(&d), Some(19_500));
    }

    #[test]
    fn a_problem_may_be_reported_within_15_days_and_is_flagged_after() {
        assert_eq!(report_window(date("2026-11-01"), date("2026-11-16")), (date("2026-11-16"), false));
        assert_eq!(report_window(date("2026-11-01"), date("2026-11-17")), (date("2026-11-16"), true));
        assert_eq!(report_window(date("2026-11-22"), date("2026-11-22")), (date("2026-12-07"), false));
    }

    #[test]
    fn only_active_accounts_move_money() {
        assert!(can_move_money(AccountStatus::Active));
        for s in [AccountStatus::Frozen, AccountStatus::Closed, AccountStatus::Dormant] {
            assert!(!can_move_money(s));
        }
    }
}
