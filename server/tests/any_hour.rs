//! The portal at any hour of the China day: the server's clock is set (PORTAL_CLOCK, a
//! development setting) to early morning before the branches open, midday, just after closing,
//! ten to midnight, a Sunday and the last evening of the year, and at each a customer checks
//! balances and books a visit, and branch staff open their day.

mod common;

use app::appointments::service::{StepChoice, booking_step};
use common::{TestApp, server_fn_request, signed_in, split, staff_signed_in};
use http::StatusCode;

const TIMES: [&str; 6] = [
    "2026-12-02T06:00:00+08:00",
    "2026-12-02T12:00:00+08:00",
    "2026-12-02T17:30:00+08:00",
    "2026-12-02T23:50:00+08:00",
    "2026-12-06T10:00:00+08:00",
    "2026-12-31T23:30:00+08:00",
];

/// The first free time of `service` at `branch` for customer 1, on any day the booking offers.
async fn first_free(app: &TestApp, service: &str, branch: &str, now: i64) -> i64 {
    let pick = |day| StepChoice { service: Some(service), branch: Some(branch), day, search: "", moving: None };
    let step = booking_step(&app.state.pool, &app.state.settings, 1, false, &pick(None), now).await.unwrap();
    let day = step.days.iter().find(|d| d.free_times > 0).expect("a day with free times").day;
    let step = booking_step(&app.state.pool, &app.state.settings, 1, false, &pick(Some(day)), now).await.unwrap();
    step.slots.iter().find(|s| s.places > 0).expect("a free time").starts_at
}

async fn at(instant: &str) {
    let app = TestApp::spawn(&[("PORTAL_CLOCK", instant)]).await;
    let set = chrono::DateTime::parse_from_rfc3339(instant).unwrap().timestamp();
    let now = app.state.now();
    assert!((set..set + 30).contains(&now), "{instant}: the clock reads {now}");
    let today = app::accounts::china_today(now);
    let customer = signed_in(&app, "C000001", "13800000001", now).await;
    let cookie = format!("portal_session={}", customer.access_token);
    let html = [("accept", "text/html"), ("cookie", cookie.as_str())];
    for page in ["/accounts", "/appointments", "/appointments/book", "/messages"] {
        let (res, body) = app.get(page, &html).await;
        assert_eq!(res.status(), StatusCode::OK, "{instant} {page}");
        assert!(body.contains("</html>") && !body.contains("error-box\" role=\"alert\">"), "{instant} {page}");
    }

    let starts_at = first_free(&app, "account_opening", "B001", now).await;
    assert!(starts_at > now, "{instant}: only times still ahead are offered");
    let body = format!("service=account_opening&branch=B001&starts_at={starts_at}");
    let (res, text) = split(app.send(server_fn_request("/api/appointments/book", &customer, &body)).await).await;
    assert_eq!(res.status(), StatusCode::OK, "{instant}: {text}");
    let reference = serde_json::from_str::<serde_json::Value>(&text).unwrap()["reference"].as_str().unwrap().to_owned();
    let (_, list) = app.get("/appointments", &html).await;
    assert!(list.contains(&reference), "{instant}: the new visit is listed");

    let staff = staff_signed_in(&app, "S0201", "13900000201", now).await;
    let (res, text) =
        split(app.send(server_fn_request("/api/staff/appointments/day", &staff, &format!("day={today}"))).await).await;
    assert_eq!(res.status(), StatusCode::OK, "{instant}: {text}");
    let staff_cookie = format!("portal_session={}", staff.access_token);
    let (res, _) = app.get("/staff/appointments", &[("accept", "text/html"), ("cookie", &staff_cookie)]).await;
    assert_eq!(res.status(), StatusCode::OK, "{instant}: the branch day");
    app.cleanup().await;
}

#[tokio::test]
async fn a_customer_and_branch_staff_are_served_at_any_hour_of_the_china_day() {
    for instant in TIMES {
        at(instant).await;
    }
}
