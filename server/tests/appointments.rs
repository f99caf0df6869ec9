//! Appointments against a real database: a slot never takes more bookings than its capacity,
//! even with 50 customers at once on one or two server instances; the per-customer limits,
//! VIP places, moving and cancelling (with the cut-off), the calendar file, the messages; and
//! another customer's appointment answers not found.

mod common;

use app::appointments::service::{StepChoice, booking_step};
use common::{TestApp, server_fn_request, signed_in, split};
use http::StatusCode;
use tower::ServiceExt;

/// The first free start time of `service` at `branch` (as a customer of `customer_id` sees it),
/// from the day after tomorrow on (well clear of the change cut-off).
async fn first_free(app: &TestApp, customer_id: i64, vip: bool, service: &str, branch: &str) -> i64 {
    let now = chrono::Utc::now().timestamp();
    let pick = |day| StepChoice { service: Some(service), branch: Some(branch), day, search: "", moving: None };
    let step = booking_step(&app.state.pool, &app.state.settings, customer_id, vip, &pick(None), now).await.unwrap();
    let from = app::accounts::china_today(now) + chrono::Duration::days(2);
    let day = step.days.iter().find(|d| d.free_times > 0 && d.day >= from).expect("a day with free times").day;
    let step =
        booking_step(&app.state.pool, &app.state.settings, customer_id, vip, &pick(Some(day)), now).await.unwrap();
    step.slots.iter().find(|s| s.places > 0).expect("a free time").starts_at
}

fn book_body(service: &str, branch: &str, starts_at: i64) -> String {
    format!("service={service}&branch={branch}&starts_at={starts_at}")
}

fn phone(n: i64) -> String {
    format!("138{n:08}")
}

fn login(n: i64) -> String {
    format!("C{n:06}")
}

async fn booked_in_slot(app: &TestApp, starts_at: i64) -> (i64, i64) {
    let taken: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(taken), 0) FROM slot_usage WHERE starts_at = $1")
        .bind(starts_at)
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM appointments WHERE starts_at = $1 AND status = 'booked'")
        .bind(starts_at)
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    (taken, rows)
}

/// 50 customers book the same time of a branch with 3 counters at once, their requests spread
/// over `instances` routers with their own pools on the one database.
async fn fifty_at_once(instances: usize) {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    // B004 has 3 counters and no VIP reservation.
    let starts_at = first_free(&app, 1, false, "account_opening", "B004").await;
    let mut routers = vec![app.router.clone()];
    let mut extra_pools = Vec::new();
    for _ in 1..instances {
        let state = server::build_state(&app.config).await.expect("a second instance");
        extra_pools.push(state.pool.clone());
        routers.push(server::http::router(state, server::http_limits(&app.config)));
    }
    // Every demo customer who may sign in (C000010 has e-banking suspended), and two more.
    for n in [51, 52] {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO customers (customer_no, mobile, name, tier, birth_date, password_hash, created_at) \
             SELECT $1, $2, name, 'regular', birth_date, password_hash, created_at FROM customers WHERE id = 12 RETURNING id",
        )
        .bind(login(n))
        .bind(phone(n))
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO accounts (customer_id, kind, product_name, number, masked_number, currency, opened_on, created_at) \
             VALUES ($1, 'demand', 'Current account', $2, '6222 **** **** 0000', 'CNY', '2025-01-01', 0)",
        )
        .bind(id)
        .bind(format!("62220000000000{n:05}"))
        .execute(&app.state.pool)
        .await
        .unwrap();
    }
    let mut sessions = Vec::new();
    for n in (1..=52).filter(|n| *n != 10) {
        sessions.push(signed_in(&app, &login(n), &phone(n), now).await);
    }
    sessions.truncate(50);
    let body = book_body("account_opening", "B004", starts_at);
    let requests = sessions.iter().enumerate().map(|(i, session)| {
        let router = routers[i % routers.len()].clone();
        let request = server_fn_request("/api/appointments/book", session, &body);
        tokio::spawn(async move { split(router.oneshot(request).await.unwrap()).await })
    });
    let answers: Vec<(http::Response<()>, String)> =
        futures::future::join_all(requests).await.into_iter().map(|r| r.unwrap()).collect();
    let ok = answers.iter().filter(|(r, _)| r.status() == StatusCode::OK).count();
    let taken: Vec<&String> =
        answers.iter().filter(|(r, _)| r.status() == StatusCode::CONFLICT).map(|(_, body)| body).collect();
    let other: Vec<String> = answers
        .iter()
        .filter(|(r, _)| ![StatusCode::OK, StatusCode::CONFLICT].contains(&r.status()))
        .map(|(r, b)| format!("{} {b}", r.status()))
        .collect();
    assert_eq!(ok, 3, "exactly the capacity; others: {other:?}");
    assert_eq!(taken.len(), 47, "everyone else hears the time was taken; others: {other:?}");
    for body in taken {
        let error: serde_json::Value = serde_json::from_str(body).unwrap();
        let next = error["Taken"]["next_free"].as_array().expect("the next free times");
        assert!(!next.is_empty() && next.iter().all(|t| t.as_i64() != Some(starts_at)), "{body}");
    }
    assert_eq!(booked_in_slot(&app, starts_at).await, (3, 3), "the counter and the rows agree");
    for pool in extra_pools {
        pool.close().await;
    }
    app.cleanup().await;
}

#[tokio::test]
async fn fifty_customers_at_once_get_exactly_the_three_places_of_a_slot() {
    fifty_at_once(1).await;
}

#[tokio::test]
async fn two_server_instances_on_one_database_never_overbook_either() {
    fifty_at_once(2).await;
}

#[tokio::test]
async fn one_customer_holds_at_most_three_upcoming_visits_never_two_at_once() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let session = signed_in(&app, "C000023", "13800000023", now).await;
    let book = |body: String| {
        let request = server_fn_request("/api/appointments/book", &session, &body);
        let app = &app;
        async move { split(app.send(request).await).await }
    };
    let first = first_free(&app, 23, false, "card_replacement", "B001").await;
    let (res, text) = book(book_body("card_replacement", "B001", first)).await;
    assert_eq!(res.status(), StatusCode::OK, "{text}");
    let booked: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(booked["reference"].as_str().unwrap().starts_with("AP"));
    assert!(booked["qr_svg"].as_str().unwrap().contains("<svg"), "a QR code for the branch");

    // The same time at another branch overlaps.
    let (res, text) = book(book_body("card_replacement", "B002", first)).await;
    assert!(
        res.status() == StatusCode::UNPROCESSABLE_ENTITY && text.contains("overlaps")
            || res.status() == StatusCode::UNPROCESSABLE_ENTITY && text.contains("not_offered"),
        "{} {text}",
        res.status()
    );
    // Two more are fine (later times), a fourth is refused.
    for i in 1..=3 {
        let at = first + i64::from(i) * 20 * 60;
        let (res, text) = book(book_body("card_replacement", "B001", at)).await;
        if i < 3 {
            assert_eq!(res.status(), StatusCode::OK, "booking {i}: {text}");
        } else {
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{text}");
            assert!(text.contains("too_many"), "{text}");
        }
    }
    // A time that is not offered (the middle of the night) is refused, nothing written.
    let (res, text) = book(book_body("card_replacement", "B001", first + 3 * 3600 + 7)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM appointments WHERE customer_id = 23")
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    assert_eq!(rows, 3);
    app.cleanup().await;
}

#[tokio::test]
async fn vip_places_are_kept_for_platinum_and_diamond_customers() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    // B003: 4 counters, 1 kept for VIPs.
    let at = first_free(&app, 1, false, "card_replacement", "B003").await;
    let body = book_body("card_replacement", "B003", at);
    for n in [1, 2, 24] {
        let session = signed_in(&app, &login(n), &phone(n), now).await;
        let tier: String = sqlx::query_scalar("SELECT tier FROM customers WHERE id = $1")
            .bind(n)
            .fetch_one(&app.state.pool)
            .await
            .unwrap();
        if app::appointments::rules::is_vip(&tier) {
            sqlx::query("UPDATE customers SET tier = 'regular' WHERE id = $1")
                .bind(n)
                .execute(&app.state.pool)
                .await
                .unwrap();
        }
        let (res, text) = split(app.send(server_fn_request("/api/appointments/book", &session, &body)).await).await;
        assert_eq!(res.status(), StatusCode::OK, "{text}");
    }
    // The unreserved places are gone: a regular customer is told it is taken…
    let session = signed_in(&app, "C000025", "13800000025", now).await;
    sqlx::query("UPDATE customers SET tier = 'gold' WHERE id = 25").execute(&app.state.pool).await.unwrap();
    let (res, _) = split(app.send(server_fn_request("/api/appointments/book", &session, &body)).await).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    // …while a platinum customer (C000003) sees and takes the reserved one.
    let day = app::appointments::rules::to_local(at, 8 * 3600).date();
    let choice = StepChoice {
        service: Some("card_replacement"),
        branch: Some("B003"),
        day: Some(day),
        search: "",
        moving: None,
    };
    let places = |vip: bool| {
        let choice = &choice;
        let app = &app;
        async move {
            let step = booking_step(&app.state.pool, &app.state.settings, 3, vip, choice, now).await.unwrap();
            step.slots.iter().find(|s| s.starts_at == at).unwrap().places
        }
    };
    assert_eq!((places(false).await, places(true).await), (0, 1), "the picker shows each tier its places");
    let session = signed_in(&app, "C000003", "13800000003", now).await;
    let (res, text) = split(app.send(server_fn_request("/api/appointments/book", &session, &body)).await).await;
    assert_eq!(res.status(), StatusCode::OK, "{text}");
    assert_eq!(booked_in_slot(&app, at).await, (4, 4));
    app.cleanup().await;
}

#[tokio::test]
async fn moving_and_cancelling_give_the_place_back_until_the_cut_off() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let session = signed_in(&app, "C000026", "13800000026", now).await;
    let cookie = format!("portal_session={}", session.access_token);
    let first = first_free(&app, 26, false, "loan_consultation", "B002").await;
    let (_, text) = split(
        app.send(server_fn_request("/api/appointments/book", &session, &book_body("loan_consultation", "B002", first)))
            .await,
    )
    .await;
    let booked: serde_json::Value = serde_json::from_str(&text).unwrap();
    let id = booked["id"].as_i64().unwrap();
    assert!(
        std::fs::read_to_string(&app.config.portal.outbox_path)
            .unwrap()
            .contains("\"kind\":\"message_appointment_booked\""),
        "the booking is confirmed by SMS"
    );

    // The calendar file: UTC times, the reference.
    let (res, ics) = app.get(&format!("/appointments/{id}/visit.ics"), &[("cookie", &cookie)]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
    let start = app::appointments::rules::to_local(first, 0).format("%Y%m%dT%H%M%SZ").to_string();
    assert!(ics.contains(&format!("DTSTART:{start}\r\n")), "{ics}");
    assert!(ics.contains(booked["reference"].as_str().unwrap()));

    // Move it 30 minutes later: the old place is given back.
    let later = first + 30 * 60;
    let body = format!("{}&moving={id}&reason=plans_changed", book_body("loan_consultation", "B002", later));
    let (res, text) = split(app.send(server_fn_request("/api/appointments/book", &session, &body)).await).await;
    assert_eq!(res.status(), StatusCode::OK, "{text}");
    let moved: serde_json::Value = serde_json::from_str(&text).unwrap();
    let new_id = moved["id"].as_i64().unwrap();
    assert_eq!(booked_in_slot(&app, first).await, (0, 0));
    assert_eq!(booked_in_slot(&app, later).await, (1, 1));
    let status: String = sqlx::query_scalar("SELECT status FROM appointments WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    assert_eq!(status, "moved");

    // Cancelling needs a reason; then the place is back.
    let (res, _) = split(
        app.send(server_fn_request("/api/appointments/cancel", &session, &format!("appointment_id={new_id}&reason=")))
            .await,
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = format!("appointment_id={new_id}&reason=done_elsewhere");
    let (res, text) = split(app.send(server_fn_request("/api/appointments/cancel", &session, &body)).await).await;
    assert_eq!(res.status(), StatusCode::OK, "{text}");
    assert_eq!(booked_in_slot(&app, later).await, (0, 0));

    // Within two hours of the start it can no longer be changed online.
    let at = first_free(&app, 26, false, "loan_consultation", "B002").await;
    let (_, text) = split(
        app.send(server_fn_request("/api/appointments/book", &session, &book_body("loan_consultation", "B002", at)))
            .await,
    )
    .await;
    let soon: serde_json::Value = serde_json::from_str(&text).unwrap();
    let soon_id = soon["id"].as_i64().unwrap();
    sqlx::query("UPDATE appointments SET starts_at = $1, ends_at = $2 WHERE id = $3")
        .bind(now + 3600)
        .bind(now + 5400)
        .bind(soon_id)
        .execute(&app.state.pool)
        .await
        .unwrap();
    let body = format!("appointment_id={soon_id}&reason=plans_changed");
    let (res, text) = split(app.send(server_fn_request("/api/appointments/cancel", &session, &body)).await).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("too_late"), "{text}");
    app.cleanup().await;
}

#[tokio::test]
async fn another_customers_appointment_answers_not_found() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let owner = signed_in(&app, "C000027", "13800000027", now).await;
    let at = first_free(&app, 27, false, "foreign_exchange", "B001").await;
    let (_, text) = split(
        app.send(server_fn_request("/api/appointments/book", &owner, &book_body("foreign_exchange", "B001", at))).await,
    )
    .await;
    let id = serde_json::from_str::<serde_json::Value>(&text).unwrap()["id"].as_i64().unwrap();

    let other = signed_in(&app, "C000028", "13800000028", now).await;
    let cookie = format!("portal_session={}", other.access_token);
    let (res, _) =
        split(app.send(server_fn_request("/api/appointments/one", &other, &format!("appointment_id={id}"))).await)
            .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let body = format!("appointment_id={id}&reason=plans_changed");
    let (res, _) = split(app.send(server_fn_request("/api/appointments/cancel", &other, &body)).await).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let body = format!("{}&moving={id}", book_body("foreign_exchange", "B001", at + 15 * 60));
    let (res, _) = split(app.send(server_fn_request("/api/appointments/book", &other, &body)).await).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (res, ics) = app.get(&format!("/appointments/{id}/visit.ics"), &[("cookie", &cookie)]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(!ics.contains("BEGIN:VCALENDAR"));
    let (res, html) = app.get(&format!("/appointments/{id}"), &[("accept", "text/html"), ("cookie", &cookie)]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(!html.contains("AP"), "no reference leaks");
    let status: String = sqlx::query_scalar("SELECT status FROM appointments WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    assert_eq!(status, "booked", "untouched");

    // The owner sees the confirmation page, rendered whole on the server.
    let cookie = format!("portal_session={}", owner.access_token);
    let (res, html) = app.get(&format!("/appointments/{id}"), &[("accept", "text/html"), ("cookie", &cookie)]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(html.contains("<svg") && html.contains("预约号"), "reference and QR code in the first response");
    app.cleanup().await;
}

#[tokio::test]
async fn a_reminder_goes_out_the_day_before_once() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let session = signed_in(&app, "C000029", "13800000029", now).await;
    let at = first_free(&app, 29, false, "card_replacement", "B002").await;
    let (_, text) = split(
        app.send(server_fn_request("/api/appointments/book", &session, &book_body("card_replacement", "B002", at)))
            .await,
    )
    .await;
    assert!(text.contains("reference"), "{text}");
    // The day before the visit (China time), twice.
    let day_before =
        app::accounts::service::china_midnight(app::appointments::rules::to_local(at, 8 * 3600).date()) - 12 * 3600;
    let (pool, gateway, settings) = (&app.state.pool, &app.state.gateway, &app.state.settings);
    assert_eq!(app::appointments::service::remind(pool, gateway, settings, day_before).await.unwrap(), 1);
    assert_eq!(app::appointments::service::remind(pool, gateway, settings, day_before + 3600).await.unwrap(), 0);
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE customer_id = 29 AND kind = 'appointment_reminder'",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(count, 1);
    app.cleanup().await;
}

#[tokio::test]
async fn branch_staff_check_visitors_in_at_their_own_branch_and_supervisors_see_the_week() {
    let app = TestApp::spawn(&[]).await;
    let pool = &app.state.pool;
    let now = chrono::Utc::now().timestamp();
    let staff = common::staff_signed_in(&app, "S0202", "13900000202", now).await;
    let b002: i64 = sqlx::query_scalar("SELECT id FROM branches WHERE code = 'B002'").fetch_one(pool).await.unwrap();
    // Two demo visits, made B002's: one starting in 10 minutes, one that started 20 minutes ago.
    // (The demo data books visits today and tomorrow where a branch is open: on a Saturday in
    // China, B002, closed on Sundays, has one, and B003, open on weekdays, none.)
    let visits: Vec<(i64, i64)> =
        sqlx::query_as("SELECT id, customer_id FROM appointments ORDER BY id LIMIT 2").fetch_all(pool).await.unwrap();
    assert_eq!(visits.len(), 2, "the demo data books visits");
    for ((id, _), start) in visits.iter().zip([now + 600, now - 1200]) {
        sqlx::query("UPDATE appointments SET branch_id = $1, starts_at = $2, ends_at = $3 WHERE id = $4")
            .bind(b002)
            .bind(start)
            .bind(start + 1200)
            .bind(id)
            .execute(pool)
            .await
            .unwrap();
    }
    // Near midnight in China the two visits fall on two days (and on a Sunday night, two weeks).
    let mut days = vec![app::accounts::china_today(now + 600), app::accounts::china_today(now - 1200)];
    days.dedup();
    let mut listed = Vec::new();
    for day in &days {
        let (res, text) =
            split(app.send(server_fn_request("/api/staff/appointments/day", &staff, &format!("day={day}"))).await)
                .await;
        assert_eq!(res.status(), StatusCode::OK, "{text}");
        let day: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(day["code"], "B002");
        listed.extend(day["visits"].as_array().unwrap().iter().map(|v| v["id"].as_i64().unwrap()));
    }
    assert!(visits.iter().all(|(id, _)| listed.contains(id)), "{listed:?}");
    let seen: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE kind = 'staff_viewed_branch_day'")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(seen, days.len() as i64, "each look is recorded");

    // Another branch's list is not theirs.
    let (res, _) = split(app.send(server_fn_request("/api/staff/appointments/day", &staff, "branch=B003")).await).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let mark = |id: i64, outcome: &str| format!("appointment_id={id}&outcome={outcome}");
    let endpoint = "/api/staff/appointments/mark";
    // The visit starting soon: too early for a no-show, fine to check in.
    let (res, _) = split(app.send(server_fn_request(endpoint, &staff, &mark(visits[0].0, "no_show"))).await).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (res, text) =
        split(app.send(server_fn_request(endpoint, &staff, &mark(visits[0].0, "checked_in"))).await).await;
    assert_eq!(res.status(), StatusCode::OK, "{text}");
    let (res, _) = split(app.send(server_fn_request(endpoint, &staff, &mark(visits[0].0, "checked_in"))).await).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "only once");
    let (res, _) = split(app.send(server_fn_request(endpoint, &staff, &mark(visits[1].0, "no_show"))).await).await;
    assert_eq!(res.status(), StatusCode::OK);
    let subject: Option<i64> =
        sqlx::query_scalar("SELECT subject_customer_id FROM audit_events WHERE kind = 'appointment_checked_in'")
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(subject, Some(visits[0].1), "the customer can see who checked them in");

    // A visit at another branch answers as if it did not exist; customers cannot mark at all.
    let other: i64 = sqlx::query_scalar("SELECT id FROM appointments WHERE branch_id <> $1 LIMIT 1")
        .bind(b002)
        .fetch_one(pool)
        .await
        .unwrap();
    let (res, _) = split(app.send(server_fn_request(endpoint, &staff, &mark(other, "checked_in"))).await).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let customer = signed_in(&app, "C000030", "13800000030", now).await;
    let (res, _) = split(app.send(server_fn_request(endpoint, &customer, &mark(other, "checked_in"))).await).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (res, _) = split(app.send(server_fn_request("/api/staff/appointments/week", &staff, "")).await).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "the weekly report is the supervisors'");

    // The supervisor's week: B002 has the check-in and the no-show.
    let supervisor = common::staff_signed_in(&app, "S0101", "13900000101", now).await;
    let mut weeks: Vec<_> = days.iter().map(|d| app::appointments::rules::week_start(*d)).collect();
    weeks.dedup();
    let (mut checked_in, mut no_show) = (0, 0);
    for week in weeks {
        let (res, text) = split(
            app.send(server_fn_request("/api/staff/appointments/week", &supervisor, &format!("week={week}"))).await,
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK, "{text}");
        let report: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(report["rows"].as_array().unwrap().len(), 8, "every branch, also those without visits");
        let b002_row = report["rows"].as_array().unwrap().iter().find(|r| r["code"] == "B002").unwrap().clone();
        checked_in += b002_row["checked_in"].as_i64().unwrap();
        no_show += b002_row["no_show"].as_i64().unwrap();
    }
    assert_eq!((checked_in, no_show), (1, 1));
    app.cleanup().await;
}

#[tokio::test]
async fn closing_a_time_range_cancels_its_visits_tells_the_customers_and_stops_bookings() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let customer = signed_in(&app, "C000031", "13800000031", now).await;
    let at = first_free(&app, 31, false, "card_replacement", "B006").await;
    let (res, text) = split(
        app.send(server_fn_request("/api/appointments/book", &customer, &book_body("card_replacement", "B006", at)))
            .await,
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK, "{text}");
    let id = serde_json::from_str::<serde_json::Value>(&text).unwrap()["id"].as_i64().unwrap();

    // B006's staff close the hour around it.
    let staff = common::staff_signed_in(&app, "S0206", "13900000206", now).await;
    let local = app::appointments::rules::to_local(at, 8 * 3600);
    let from = (local - chrono::Duration::minutes(20)).format("%H:%M").to_string();
    let to = (local + chrono::Duration::minutes(40)).format("%H:%M").to_string();
    let day = local.date();
    let bad = format!("day={day}&from={to}&to={from}&reason=Counter%20down");
    let (res, _) = split(app.send(server_fn_request("/api/staff/appointments/close", &staff, &bad)).await).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "the end before the start is refused");
    let body = format!("day={day}&from={from}&to={to}&reason=%E6%9F%9C%E5%8F%B0%E6%A3%80%E4%BF%AE");
    let (res, text) = split(app.send(server_fn_request("/api/staff/appointments/close", &staff, &body)).await).await;
    assert_eq!(res.status(), StatusCode::OK, "{text}");
    assert_eq!(text, "1", "one visit was booked in that hour");
    let (_, text) =
        split(app.send(server_fn_request("/api/staff/appointments/day", &staff, &format!("day={day}"))).await).await;
    let listed: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(listed["closed"][0][2], "柜台检修", "the day list shows the closed range: {text}");

    let status: String = sqlx::query_scalar("SELECT status FROM appointments WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    assert_eq!(status, "cancelled");
    assert_eq!(booked_in_slot(&app, at).await, (0, 0), "the place is given back");
    let (_, text) = split(app.send(server_fn_request("/api/messages/list", &customer, "")).await).await;
    let messages: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let closed = messages.iter().find(|m| m["kind"] == "appointment_closed").expect("the customer is told");
    assert_eq!(closed["params"]["rebook"], "/appointments/book?service=card_replacement&branch=B006");

    // The range is no longer offered, and booking it is refused.
    let (res, text) = split(
        app.send(server_fn_request("/api/appointments/book", &customer, &book_body("card_replacement", "B006", at)))
            .await,
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("not_offered"), "{text}");
    // Staff of another branch cannot close B006's time.
    let other = common::staff_signed_in(&app, "S0207", "13900000207", now).await;
    let (res, _) = split(
        app.send(server_fn_request("/api/staff/appointments/close", &other, &format!("branch=B006&{body}"))).await,
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    app.cleanup().await;
}
