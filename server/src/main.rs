//! The portal's command line: `serve` (the default), `migrate`, `seed`, `alerts`, `bench`.

use anyhow::{Result, bail};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use server::config::Config;
use server::{db, demo};

#[derive(Parser)]
#[command(name = "server", about = "The bank's customer self-service portal")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the portal (migrates first; loads demo data into an empty database when enabled).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Fill an empty database with deterministic demo data (any size, for benchmarks).
    Seed {
        #[arg(long, default_value_t = 50)]
        customers: u32,
        /// Exactly this many transactions per demand account instead of the realistic pattern.
        #[arg(long)]
        transactions_per_account: Option<u32>,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// The last day of the generated history (YYYY-MM-DD); today when omitted.
        #[arg(long)]
        as_of: Option<NaiveDate>,
    },
    /// Run the alert job once: low-balance alerts and card and loan reminders that are due now
    /// (each is sent once, however often this runs). `serve` also runs it on a timer.
    Alerts,
    /// Time the accounts pages' server work on a large dataset, in an empty database
    /// (PORTAL_DATABASE_URL). `scripts/bench.sh` prepares the databases and runs it.
    Bench {
        /// Transactions in the one big account.
        #[arg(long, default_value_t = 1_000_000)]
        transactions: u32,
        /// "load more" pages to time after the first.
        #[arg(long, default_value_t = 30)]
        pages: u32,
        /// Repetitions of each other measurement.
        #[arg(long, default_value_t = 30)]
        repeats: u32,
    },
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Asks Linux not to back this process's memory with transparent huge pages. mimalloc asks for
/// them on the memory it reserves, and returns freed parts to the kernel; under load each part
/// touched again was a new 2 MiB page zeroed by the kernel: a quarter of the server's time on the
/// landing page (perf, `do_huge_pmd_anonymous_page`). Without them it served 12-22% more
/// requests, with a p99 a fifth lower (measured: README, Speed).
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn no_transparent_huge_pages() {
    // SAFETY: prctl with PR_SET_THP_DISABLE only sets a flag on this process; it reads no memory.
    let status = unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
    if status != 0 {
        // Not fatal: the server runs as before, only slower under load.
        tracing::warn!(error = %std::io::Error::last_os_error(), "could not switch off transparent huge pages");
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    let config = Config::load()?;
    server::init_logging(config.portal.log_format);
    server::log_panics();
    #[cfg(target_os = "linux")]
    no_transparent_huge_pages();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => server::serve(config).await,
        Command::Migrate => {
            let pool = db::connect(&config.portal.database_url, 1).await?;
            db::migrate(&pool, &config.portal.database_url).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Alerts => {
            let state = server::build_state(&config).await?;
            server::run_alerts(&state).await?;
            state.pool.close().await;
            Ok(())
        }
        Command::Bench { transactions, pages, repeats } => {
            let pool = db::connect(&config.portal.database_url, 2).await?;
            db::migrate(&pool, &config.portal.database_url).await?;
            if !demo::is_empty(&pool).await? {
                bail!(
                    "bench needs an empty database; {} has customers (nothing was changed)",
                    server::config::redact_url(&config.portal.database_url)
                );
            }
            let key = app::state::SigningKey::new(vec![7; 32]).map_err(|e| anyhow::anyhow!("{e}"))?;
            let met =
                server::bench::run(&pool, &key, &server::bench::BenchOptions { transactions, pages, repeats }).await?;
            pool.close().await;
            if !met {
                bail!("a speed target was missed (see above)");
            }
            Ok(())
        }
        Command::Seed { customers, transactions_per_account, seed, as_of } => {
            let pool = db::connect(&config.portal.database_url, 2).await?;
            db::migrate(&pool, &config.portal.database_url).await?;
            if !demo::is_empty(&pool).await? {
                bail!("the database already has customers; seed only fills an empty database (nothing was changed)");
            }
            let size = demo::DemoSize {
                customers,
                transactions_per_account,
                seed,
                as_of: as_of.unwrap_or_else(|| app::accounts::china_today(config.settings().clock.now())),
            };
            let started = std::time::Instant::now();
            let summary = demo::generate(&pool, &size).await?;
            tracing::info!(?summary, elapsed = ?started.elapsed(), "demo data written");
            Ok(())
        }
    }
}
