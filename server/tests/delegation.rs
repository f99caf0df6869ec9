//! Finding a customer to help (the first part of delegated staff sessions), against a real
//! database: agents and supervisors search by customer number, mobile number or name; results are
//! masked; a search that cannot be read is refused by name; customers and branch staff are
//! refused; every search is in the audit trail.

mod common;

use common::{TestApp, call, signed_in, staff_signed_in};
use http::StatusCode;
use serde_json::Value;

fn found(text: &str) -> Vec<Value> {
    serde_json::from_str::<Vec<Value>>(text).unwrap_or_else(|e| panic!("JSON ({e}): {text}"))
}

#[tokio::test]
async fn staff_find_a_customer_by_number_mobile_or_name_and_see_masked_details() {
    let app = TestApp::spawn(&[]).await;
    let now = chrono::Utc::now().timestamp();
    let agent = staff_signed_in(&app, "S0001", "13900000001", now).await;
    let supervisor = staff_signed_in(&app, "S0101", "13900000101", now).await;
    let branch = staff_signed_in(&app, "S0201", "13900000201", now).await;
    let customer = signed_in(&app, "C000012", "13800000012", now).await;
    let (name, tier): (String, String) =
        sqlx::query_as("SELECT name, tier FROM customers WHERE customer_no = 'C000012'")
            .fetch_one(&app.state.pool)
            .await
            .unwrap();
    let search = |q: &str| format!("query={}", q.replace(' ', "+"));

    let (status, text) = call(&app, "/api/staff/customers/search", &agent, &search("c000012")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let by_number = found(&text);
    assert_eq!(by_number.len(), 1);
    let one = &by_number[0];
    assert_eq!(one["customer_no"], "C000012");
    assert_eq!(one["masked_phone"], "138****0012");
    assert_eq!(one["tier"], tier.as_str());
    let masked = one["masked_name"].as_str().unwrap();
    assert!(masked.starts_with(name.chars().next().unwrap()) && masked.contains('*'), "{masked}");
    assert!(!text.contains(&name), "the full name never leaves the server: {text}");
    assert!(!text.contains("13800000012"), "nor the full mobile number: {text}");

    let (status, text) = call(&app, "/api/staff/customers/search", &supervisor, &search("138 0000 0012")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(found(&text)[0]["customer_no"], "C000012");

    let start: String = name.chars().take(2).collect();
    let (status, text) = call(&app, "/api/staff/customers/search", &agent, &search(&start)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let by_name = found(&text);
    assert!(by_name.iter().any(|c| c["customer_no"] == "C000012"), "{text}");
    assert!(by_name.len() <= 20);

    // LIKE's wildcards in a name are matched as they are.
    let (status, text) = call(&app, "/api/staff/customers/search", &agent, &search("%25%25")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(found(&text).is_empty(), "{text}");
    // Unreadable searches are refused, by name.
    for bad in ["C0000", "1380000", "王"] {
        let (status, text) = call(&app, "/api/staff/customers/search", &agent, &search(bad)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {text}");
        assert!(text.contains("query"), "{text}");
    }
    // Not for customers or branch staff.
    for who in [&customer, &branch] {
        let (status, _) = call(&app, "/api/staff/customers/search", who, &search("C000012")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    // Every search that ran is recorded, with what was asked.
    let recorded: Vec<String> =
        sqlx::query_scalar("SELECT detail FROM audit_events WHERE kind = 'customer_search' ORDER BY id")
            .fetch_all(&app.state.pool)
            .await
            .unwrap();
    assert_eq!(recorded.len(), 4, "{recorded:?}");
    assert!(recorded[0].contains("\"by\":\"customer_no\"") && recorded[0].contains("\"found\":1"), "{recorded:?}");
    assert!(recorded[1].contains("\"by\":\"mobile\""), "{recorded:?}");
    app.cleanup().await;
}
