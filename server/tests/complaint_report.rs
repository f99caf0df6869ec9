//! The supervisors' weekly complaints and satisfaction report against a real database: the
//! week's complaints by category (decided within the limits, the median, the rating), what is
//! overdue and oldest now, the branches' visit ratings; the same figures as a CSV file; and
//! nobody but a supervisor reads either.

mod common;

use app::appointments::rules::week_start;
use common::{TestApp, server_fn_request, signed_in, split, staff_signed_in};
use http::StatusCode;

#[tokio::test]
async fn supervisors_read_the_weekly_report_and_its_csv_and_nobody_else_does() {
    let app = TestApp::spawn(&[]).await;
    let pool = &app.state.pool;
    let now = chrono::Utc::now().timestamp();
    // Last week: two fee complaints received on its Monday, one decided 3 days later and rated
    // 4 stars, one still open; a card complaint received 40 days before, still open (overdue).
    let monday = week_start(app::accounts::china_today(now)) - chrono::Duration::days(7);
    let staff_id: i64 =
        sqlx::query_scalar("SELECT id FROM staff_users WHERE staff_no = 'S0001'").fetch_one(pool).await.unwrap();
    for (category, received, status, decided_after, rating) in [
        ("fees", monday, "closed", Some(3), Some(4)),
        ("fees", monday, "in_progress", None, None),
        ("cards", monday - chrono::Duration::days(40), "submitted", None, None),
    ] {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO complaints (customer_id, kind, category, what_happened, wanted, contact, status, received_on, \
             handler_id, rating, created_at, updated_at) VALUES (33, 'complaint', $1, 'Charged twice for one thing.', \
             '', 'message', $2, $3, $4, $5, $6, $6) RETURNING id",
        )
        .bind(category)
        .bind(status)
        .bind(received.to_string())
        .bind(staff_id)
        .bind(rating)
        .bind(now)
        .fetch_one(pool)
        .await
        .unwrap();
        if let Some(days) = decided_after {
            sqlx::query(
                "INSERT INTO complaint_decisions (complaint_id, round, facts, grounds, remedy, decided_by, decided_on, \
                 created_at) VALUES ($1, 'first', 'Checked.', 'Fee schedule.', '', $2, $3, $4)",
            )
            .bind(id)
            .bind(staff_id)
            .bind((received + chrono::Duration::days(days)).to_string())
            .bind(now)
            .execute(pool)
            .await
            .unwrap();
        }
    }
    // A visit at B001 last Tuesday, checked in and rated low on waiting.
    let tuesday_ten = app::accounts::service::china_midnight(monday + chrono::Duration::days(1)) + 10 * 3600;
    let visit: i64 = sqlx::query_scalar(
        "INSERT INTO appointments (reference, customer_id, branch_id, service_id, starts_at, ends_at, status, \
         regular_place, created_at, checked_in_by) \
         SELECT 'APREPORT01', 33, b.id, s.id, $1, $2, 'checked_in', 1, $1, $3 FROM branches b, services s \
         WHERE b.code = 'B001' AND s.code = 'card_replacement' RETURNING id",
    )
    .bind(tuesday_ten)
    .bind(tuesday_ten + 1800)
    .bind(staff_id)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO visit_ratings (appointment_id, customer_id, waiting, attitude, handling, comment, created_at) \
         VALUES ($1, 33, 2, 4, 5, '', $2)",
    )
    .bind(visit)
    .bind(now)
    .execute(pool)
    .await
    .unwrap();

    // A complaint about that visit.
    sqlx::query(
        "INSERT INTO complaints (customer_id, kind, category, appointment_id, what_happened, wanted, contact, \
         received_on, created_at, updated_at) VALUES (33, 'complaint', 'waiting_time', $1, 'Waited an hour.', '', \
         'message', $2, $3, $3)",
    )
    .bind(visit)
    .bind((monday + chrono::Duration::days(1)).to_string())
    .bind(now)
    .execute(pool)
    .await
    .unwrap();

    let supervisor = staff_signed_in(&app, "S0101", "13900000101", now).await;
    let week = format!("week={}", monday + chrono::Duration::days(3));
    let (res, text) =
        split(app.send(server_fn_request("/api/staff/complaints/report", &supervisor, &week)).await).await;
    assert_eq!(res.status(), StatusCode::OK, "{text}");
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(report["monday"], monday.to_string(), "any day names its week");
    let category =
        |name: &str| report["categories"].as_array().unwrap().iter().find(|c| c["category"] == name).cloned().unwrap();
    let fees = category("fees");
    assert_eq!(
        (&fees["received"], &fees["within_15"], &fees["median_days_tenths"], &fees["rating_tenths"]),
        (&2.into(), &1.into(), &30.into(), &40.into()),
        "{fees}"
    );
    let cards = category("cards");
    assert_eq!((&cards["received"], &cards["overdue_now"]), (&0.into(), &1.into()), "{cards}");
    assert_eq!(cards["oldest_open"], (monday - chrono::Duration::days(40)).to_string());
    let b001 = report["branches"].as_array().unwrap().iter().find(|b| b["code"] == "B001").cloned().unwrap();
    assert_eq!(
        (&b001["complaints"], &b001["ratings"], &b001["low_percent"]),
        (&1.into(), &1.into(), &100.into()),
        "{b001}"
    );
    assert_eq!(category("waiting_time")["received"], 1);
    assert_eq!(b001["average_tenths"], serde_json::json!([20, 40, 50]));
    let (res, _) =
        split(app.send(server_fn_request("/api/staff/complaints/report", &supervisor, "week=someday")).await).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "a week that is not a date is named");
    let (res, _) =
        split(app.send(server_fn_request("/api/staff/complaints/report", &supervisor, "week=+262142-12-31")).await)
            .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "a date past the bank's years is refused, not a panic");

    // The CSV: the same figures, in the reader's language.
    let cookie = format!("portal_session={}", supervisor.access_token);
    let path = format!("/staff/complaints/report.csv?{week}");
    let (res, body) = app.get(&path, &[("cookie", &cookie), ("accept-language", "en")]).await;
    assert_eq!(res.status(), StatusCode::OK, "{body}");
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(body.contains(&format!("Fees and charges,2,1,1,1,3.0,4.0,0,{monday}\r\n")), "{body}");
    assert!(body.contains(",1,1,2.0,4.0,5.0,100%\r\n"), "{body}");

    // Nobody else: an agent, a customer, a visitor.
    let agent = staff_signed_in(&app, "S0001", "13900000001", now).await;
    let customer = signed_in(&app, "C000033", "13800000033", now).await;
    for who in [&agent, &customer] {
        let (res, _) = split(app.send(server_fn_request("/api/staff/complaints/report", who, &week)).await).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let cookie = format!("portal_session={}", who.access_token);
        let (res, _) = app.get(&path, &[("cookie", &cookie)]).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }
    let (res, _) = app.get(&path, &[]).await;
    assert!(res.status().is_redirection(), "a visitor is sent to sign in");
    assert_eq!(res.headers()["location"], "/staff?next=/staff/complaints/report", "at the staff door");
    app.cleanup().await;
}
