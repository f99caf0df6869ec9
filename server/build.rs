// The migrations are embedded at compile time (`sqlx::migrate!` in src/db.rs); a new or changed
// file must rebuild the server, which cargo does not know on its own.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
