//! The `patron` command: serve the back office (the default), migrate, seed, manage users and
//! terminal tokens, back up and restore.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use patron::config::Config;
use patron::db::backup;
use patron::db::embedded::{EmbeddedPostgres, find_bindir};
use patron::kernel::Actor;
use patron::{app, db, seed, users};
use patron_rules::users::Role;

/// glibc's malloc gives each thread that allocates an arena of its own (up to eight per core) and
/// keeps what each grew to: under bench/soak.sh the server's RSS climbed in ~20 MiB steps as its
/// blocking threads came and went, +51% in four minutes after a restart. mimalloc returns freed
/// pages, so the server's memory stays flat under steady load.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "patron",
    version,
    about = "Customer, loyalty and promotions back office for retail chains"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    config: Config,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web back office (the default). Without DATABASE_URL it runs its own PostgreSQL
    /// and loads demo data into an empty database.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create the first administrator if there is no user; with --demo, add demo data too.
    Seed {
        /// Add demo stores, one user per role (printing their passwords), customer groups,
        /// territories and 2,000 customers.
        #[arg(long)]
        demo: bool,
        /// Add this many synthetic customers (set-based, for benchmarks), with a progress bar.
        #[arg(long, value_name = "N")]
        customers: Option<i64>,
        /// Add this many synthetic items (set-based, for the search benchmark), with a progress bar.
        #[arg(long, value_name = "N")]
        items: Option<i64>,
        /// Add this many synthetic invoices of about 5 lines (set-based, for benchmarks), with a
        /// progress bar.
        #[arg(long, value_name = "N")]
        invoices: Option<i64>,
        /// Add about this many loyalty ledger entries (set-based, for the loyalty reports'
        /// benchmark): enrols one customer per five entries in the first active program (making
        /// "Patron Rewards" when there is none), five earns to one redemption.
        #[arg(long, value_name = "N")]
        loyalty_entries: Option<i64>,
        /// Add this many referral registrations (set-based, for the funnel's benchmark): new
        /// referred customers, one code per ten of them, both sides' coupons, and a first
        /// purchase for three in five.
        #[arg(long, value_name = "N")]
        referrals: Option<i64>,
    },
    /// Manage users from the command line.
    User {
        #[command(subcommand)]
        action: UserCommand,
    },
    /// Manage terminal tokens: the API credentials of store tills.
    Token {
        #[command(subcommand)]
        action: TokenCommand,
    },
    /// Loyalty upkeep.
    Loyalty {
        #[command(subcommand)]
        action: LoyaltyCommand,
    },
    /// Report upkeep.
    Reports {
        #[command(subcommand)]
        action: ReportsCommand,
    },
    /// Gift card upkeep.
    GiftCards {
        #[command(subcommand)]
        action: GiftCardCommand,
    },
    /// Write a backup of the database (DATABASE_URL's, else the embedded one under
    /// PATRON_DATA_DIR, started for it unless `patron serve` runs it): a pg_dump archive of one
    /// consistent moment, taken while Patron keeps serving, for `patron restore`.
    Backup {
        /// The file to write (a folder: a file named after the time in it); default:
        /// patron-YYYYMMDD-HHMMSS.dump in the current folder. It is written as FILE.partial and
        /// renamed once complete, so FILE is always a whole backup.
        file: Option<PathBuf>,
    },
    /// Restore a backup made by `patron backup`, then apply the migrations newer than it.
    /// Without DATABASE_URL: into a new embedded cluster in PATRON_DATA_DIR, which must hold none
    /// (a failed restore leaves no cluster behind). With DATABASE_URL: into that database, which
    /// must hold no tables.
    Restore {
        /// The backup file.
        file: PathBuf,
        /// Replace the database that is there (the embedded `patron` database, or DATABASE_URL's)
        /// with the backup: it is restored into a new database beside the old one, and only
        /// when that worked and no other session uses the old one is the old one dropped and the
        /// new one renamed in its place. Refused while `patron serve` runs the embedded server;
        /// the old database's grants and settings are not carried over.
        #[arg(long)]
        replace: bool,
    },
}

#[derive(Subcommand)]
enum GiftCardCommand {
    /// Write off what is left on cards a week past their Valid Upto, as expiry entries
    /// (`patron serve` also does this daily). Cards stop paying the day after Valid Upto anyway.
    Expire,
}

#[derive(Subcommand)]
enum LoyaltyCommand {
    /// Write expire entries for points past their expiry date (`patron serve` also does this
    /// daily). Balances never wait for it; the ledger's readers see where points went.
    Expire,
}

#[derive(Subcommand)]
enum ReportsCommand {
    /// Make every report rollup again from the invoices (after a restore, a bulk load, or a
    /// change of the company's time zone), with a progress bar.
    Rebuild {
        /// First business day to rebuild (YYYY-MM-DD); default: the first invoice's.
        #[arg(long)]
        from: Option<chrono::NaiveDate>,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a token for one till of a store; prints the secret, which is shown only this once.
    Create {
        /// The store's code (DOWNTOWN).
        #[arg(long)]
        store: String,
        /// Which till it is for ("Till 2"), 1 to 80 characters.
        #[arg(long)]
        label: String,
    },
    /// Revoke a token: the till's calls are refused from now on. Revoking it again changes
    /// nothing.
    Revoke {
        /// The token's id, as `token create` printed it.
        id: i64,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user; prints a generated password unless --password is given.
    Add {
        /// Sign-in email.
        #[arg(long)]
        email: String,
        /// Name people read.
        #[arg(long)]
        name: String,
        /// admin, hq_manager, store_supervisor or marketing.
        #[arg(long)]
        role: String,
        /// Store code, for a store supervisor.
        #[arg(long)]
        store: Option<String>,
        /// Initial password (8 to 128 characters).
        #[arg(long, env = "PATRON_NEW_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Set a new password for a user and end their sessions; prints a generated one unless
    /// --password is given.
    Passwd {
        /// The user's email.
        email: String,
        /// The new password (8 to 128 characters).
        #[arg(long, env = "PATRON_NEW_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// List users.
    List,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("patron: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config),
        Command::Migrate => {
            let database = Database::open(&config)?;
            let mut conn = database.connect()?;
            let applied = db::migrate(&mut conn)?;
            println!("{applied} migration(s) applied.");
            Ok(())
        }
        Command::Seed {
            demo,
            customers,
            items,
            invoices,
            loyalty_entries,
            referrals,
        } => {
            let database = Database::open(&config)?;
            let mut conn = database.migrated()?;
            let mut made: Vec<seed::Credential> = seed::first_admin(
                &mut conn,
                config.admin_email.as_deref(),
                config.admin_password.as_deref(),
            )?
            .into_iter()
            .collect();
            let mut tokens = Vec::new();
            if demo {
                let demo = seed::demo(&mut conn)?;
                made.extend(demo.credentials);
                tokens = demo.tokens;
            }
            if let Some(n) = items {
                add_items(&mut conn, n)?;
            }
            if let Some(n) = customers {
                add_customers(&mut conn, n)?;
            }
            if let Some(n) = invoices {
                add_invoices(&database, &mut conn, n)?;
            }
            if let Some(n) = loyalty_entries {
                add_loyalty_entries(&mut conn, n)?;
            }
            if let Some(n) = referrals {
                let started = std::time::Instant::now();
                let made = patron::referrals::synthetic::add_registrations(&mut conn, n)?;
                println!(
                    "Added {made} referral registrations in {:.1?}.",
                    started.elapsed()
                );
                // Their first purchases skip the pipeline: the reports' rollups are made for them.
                rebuild_reports(&mut conn, None)?;
            }
            if made.is_empty()
                && items.is_none()
                && customers.is_none()
                && invoices.is_none()
                && loyalty_entries.is_none()
                && referrals.is_none()
            {
                println!("Nothing to add: the users already exist.");
            }
            let base_url = format!("http://{}", config.bind);
            seed::print_credentials(&base_url, &made);
            seed::print_tokens(&base_url, &tokens);
            Ok(())
        }
        Command::User { action } => user_command(&config, action),
        Command::Token { action } => token_command(&config, action),
        Command::Loyalty {
            action: LoyaltyCommand::Expire,
        } => {
            let database = Database::open(&config)?;
            let mut conn = database.migrated()?;
            let written = patron::loyalty::expiry::run(&mut conn, chrono::Utc::now())?;
            println!("Wrote {written} expire entries.");
            Ok(())
        }
        Command::Reports {
            action: ReportsCommand::Rebuild { from },
        } => {
            let database = Database::open(&config)?;
            let mut conn = database.migrated()?;
            rebuild_reports(&mut conn, from)
        }
        Command::GiftCards {
            action: GiftCardCommand::Expire,
        } => {
            let database = Database::open(&config)?;
            let mut conn = database.migrated()?;
            let written = diesel::Connection::transaction(&mut conn, |conn| {
                patron::gift_cards::expiry::run(conn, chrono::Utc::now())
            })?;
            println!("Wrote off the balances of {written} expired gift cards.");
            Ok(())
        }
        Command::Backup { file } => {
            let embedded = config.database_url.is_none();
            let tools = backup::Tools::find(config.pg_bindir.as_deref(), embedded)?;
            if embedded {
                backup::require_cluster(&pgdata(&config))?;
            }
            let database = Database::open(&config)?;
            let written = backup::backup(&tools, &database.url, file.as_deref())?;
            println!("{written}");
            Ok(())
        }
        Command::Restore { file, replace } => restore(&config, &file, replace),
    }
}

fn restore(config: &Config, file: &Path, replace: bool) -> anyhow::Result<()> {
    let tools = backup::Tools::find(config.pg_bindir.as_deref(), config.database_url.is_none())?;
    let target = match &config.database_url {
        Some(url) => backup::Target::Server(url.clone()),
        None => backup::Target::Embedded(embedded_server(config)?),
    };
    let restored = backup::restore(&tools, file, target, replace)?;
    println!("{restored}");
    Ok(())
}

/// A progress bar for adding `n` synthetic `what`.
fn progress_bar(what: &str, n: i64) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(u64::try_from(n.max(0)).unwrap_or(0));
    bar.set_style(
        indicatif::ProgressStyle::with_template(&format!(
            "{{spinner}} {what} {{human_pos}}/{{human_len}} [{{bar:40}}] {{percent}}% · {{elapsed}} · {{eta}} left"
        ))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// Invoices come in batches on one connection per core.
fn add_invoices(
    database: &Database,
    conn: &mut diesel::PgConnection,
    n: i64,
) -> anyhow::Result<()> {
    let bar = progress_bar("invoices", n);
    let started = std::time::Instant::now();
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    let mut others = (1..cores)
        .map(|_| database.connect())
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut conns: Vec<&mut diesel::PgConnection> = std::iter::once(&mut *conn)
        .chain(others.iter_mut())
        .collect();
    let batch = patron::sales::synthetic::BATCH;
    patron::sales::synthetic::add_invoices(&mut conns, n, batch, |made| {
        bar.set_position(u64::try_from(made).unwrap_or(0))
    })?;
    bar.finish();
    println!("Added {n} invoices in {:.1?}.", started.elapsed());
    // Synthetic invoices skip the pipeline: their days' rollups are made from them.
    rebuild_reports(conn, None)
}

fn rebuild_reports(
    conn: &mut diesel::PgConnection,
    from: Option<chrono::NaiveDate>,
) -> anyhow::Result<()> {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(indicatif::ProgressStyle::with_template(
        "{spinner} report rollups: day {pos}/{len} [{bar:40}] {percent}% · {elapsed} · {eta} left",
    )?);
    let started = std::time::Instant::now();
    let done = patron::reports::rebuild::rebuild(conn, from, |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })?;
    bar.finish();
    println!(
        "Rebuilt {} days of report rollups ({} invoices) in {:.1?}.",
        done.days,
        done.invoices,
        started.elapsed()
    );
    Ok(())
}

fn add_loyalty_entries(conn: &mut diesel::PgConnection, n: i64) -> anyhow::Result<()> {
    let bar = progress_bar("loyalty entries", n);
    let started = std::time::Instant::now();
    let made = patron::loyalty::synthetic::add_entries(conn, n, |made| {
        bar.set_position(u64::try_from(made).unwrap_or(0))
    })?;
    bar.finish();
    println!("Added {made} loyalty entries in {:.1?}.", started.elapsed());
    Ok(())
}

fn add_items(conn: &mut diesel::PgConnection, n: i64) -> anyhow::Result<()> {
    let bar = progress_bar("items", n);
    let started = std::time::Instant::now();
    patron::catalog::demo::bulk(conn, n, |made| {
        bar.set_position(u64::try_from(made).unwrap_or(0))
    })?;
    bar.finish();
    println!("Added {n} items in {:.1?}.", started.elapsed());
    Ok(())
}

fn add_customers(conn: &mut diesel::PgConnection, n: i64) -> anyhow::Result<()> {
    let bar = progress_bar("customers", n);
    let started = std::time::Instant::now();
    seed::customers(conn, n, |made| {
        bar.set_position(u64::try_from(made).unwrap_or(0))
    })?;
    bar.finish();
    println!("Added {n} customers in {:.1?}.", started.elapsed());
    Ok(())
}

/// The database the command works on: the configured server, or the embedded one.
struct Database {
    url: String,
    embedded: Option<EmbeddedPostgres>,
}

/// An eighth of the machine's memory for the embedded server's buffers, from 128 MB to 1 GB.
fn shared_buffers() -> String {
    let total_kb = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|line| line.strip_prefix("MemTotal:"))
                .and_then(|rest| {
                    rest.trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<u64>()
                        .ok()
                })
        })
        .unwrap_or(0);
    format!("{}MB", (total_kb / 8 / 1024).clamp(128, 1024))
}

/// The embedded cluster's folder under the data folder.
fn pgdata(config: &Config) -> PathBuf {
    config.data_dir.join("pgdata")
}

/// The embedded server with Patron's settings, not started.
fn embedded_server(config: &Config) -> anyhow::Result<EmbeddedPostgres> {
    let bindir = find_bindir(config.pg_bindir.as_deref())?;
    // The embedded server shares Patron's machine, usually on an SSD: random reads cost
    // about what sequential ones do (at the default 4 a rebuild's daily deletes scanned the
    // whole rollup table), a rollup table of millions of rows should fit in shared memory
    // (PostgreSQL's default is 128 MB), and a rebuild should not checkpoint every gigabyte.
    Ok(EmbeddedPostgres::new(bindir, &pgdata(config))?
        .with_setting("random_page_cost", "1.1")
        .with_setting("shared_buffers", &shared_buffers())
        .with_setting("max_wal_size", "4GB"))
}

impl Database {
    fn open(config: &Config) -> anyhow::Result<Database> {
        if let Some(url) = &config.database_url {
            return Ok(Database {
                url: url.clone(),
                embedded: None,
            });
        }
        let mut pg = embedded_server(config)?;
        pg.start()?;
        pg.create_database("patron")?;
        Ok(Database {
            url: pg.url("patron"),
            embedded: Some(pg),
        })
    }

    fn connect(&self) -> anyhow::Result<diesel::PgConnection> {
        use diesel::Connection;
        diesel::PgConnection::establish(&self.url).context("connecting to PostgreSQL")
    }

    fn migrated(&self) -> anyhow::Result<diesel::PgConnection> {
        let mut conn = self.connect()?;
        db::migrate(&mut conn)?;
        Ok(conn)
    }
}

fn serve(config: Config) -> anyhow::Result<()> {
    let mut database = Database::open(&config)?;
    let pool = db::connect(&database.url, config.db_pool_size, config.db_timeout())
        .context("connecting to PostgreSQL")?;
    let mut made = Vec::new();
    let mut tokens = Vec::new();
    {
        let mut conn = pool.get()?;
        db::migrate(&mut conn)?;
        let abandoned = patron::imports::job::fail_abandoned(&mut conn)?;
        if abandoned > 0 {
            tracing::warn!(
                abandoned,
                "customer imports interrupted by a stop were marked failed"
            );
        }
        let fresh = users::model::count_all(&mut conn)? == 0;
        made.extend(seed::first_admin(
            &mut conn,
            config.admin_email.as_deref(),
            config.admin_password.as_deref(),
        )?);
        if fresh && database.embedded.is_some() {
            let demo = seed::demo(&mut conn)?;
            made.extend(demo.credentials);
            tokens = demo.tokens;
        }
    }
    let base_url = format!("http://{}", config.bind);
    let workers = std::thread::available_parallelism().map_or(2, usize::from);
    // Enough blocking threads per worker for its share of the pool plus password hashing, so
    // that a request waits for a connection rather than for a thread.
    let pool_share = usize::try_from(config.db_pool_size)
        .unwrap_or(10)
        .div_ceil(workers);
    let bind = config.bind.clone();
    patron::loyalty::expiry::spawn_daily(pool.clone());
    patron::gift_cards::expiry::spawn_daily(pool.clone());
    patron::segments::snapshot::spawn_nightly(pool.clone());
    // With the rollup step off (a bench's setting) no sale notes a customer to fold.
    if !config.bench_skip_rollups {
        patron::reports::fold::spawn(pool.clone());
    }
    let state = patron::state::AppState::new(config, pool)?;
    let result = actix_web::rt::System::new().block_on(async move {
        let server = actix_web::HttpServer::new(move || app::build(state.clone(), None))
            .workers(workers)
            .keep_alive(app::KEEP_ALIVE)
            .worker_max_blocking_threads(pool_share + 2)
            .bind(&bind)
            .with_context(|| format!("listening on {bind}"))?
            .run();
        seed::print_credentials(&base_url, &made);
        seed::print_tokens(&base_url, &tokens);
        println!("Patron is running at {base_url} (Ctrl-C stops it).");
        server.await.context("serving")
    });
    if let Some(pg) = database.embedded.as_mut() {
        pg.stop();
    }
    result
}

fn user_command(config: &Config, action: UserCommand) -> anyhow::Result<()> {
    let database = Database::open(config)?;
    let mut conn = database.migrated()?;
    let actor = Actor::System("command line");
    match action {
        UserCommand::Add {
            email,
            name,
            role,
            store,
            password,
        } => {
            let role = Role::parse(&role).with_context(|| {
                format!("unknown role {role}: use admin, hq_manager, store_supervisor or marketing")
            })?;
            let generated = password.is_none();
            let password = password.unwrap_or_else(seed::random_password);
            let user = seed::add_user(
                &mut conn,
                &actor,
                &email,
                &name,
                role,
                store.as_deref(),
                &password,
            )?;
            println!("Created {} ({}).", user.email, role.label());
            if generated {
                println!("Password: {password}");
            }
        }
        UserCommand::Passwd { email, password } => {
            let user = users::model::find_by_email(&mut conn, &email)?
                .with_context(|| format!("no user has the email {email}"))?;
            let generated = password.is_none();
            let password = password.unwrap_or_else(seed::random_password);
            patron_rules::users::check_password(&password).map_err(anyhow::Error::msg)?;
            let hash = patron::kernel::passwords::hash_blocking(&password)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            use diesel::Connection;
            conn.transaction(|conn| {
                users::model::change_password(
                    conn,
                    &actor,
                    user.id,
                    &hash,
                    users::model::PasswordChange::Reset,
                )?;
                patron::web::session_store::end_sessions_of(conn, user.id)?;
                diesel::QueryResult::Ok(())
            })?;
            println!(
                "New password set for {}; their sessions were ended.",
                user.email
            );
            if generated {
                println!("Password: {password}");
            }
        }
        UserCommand::List => {
            println!(
                "{:<30} {:<24} {:<17} {:<8} LAST SIGN-IN",
                "EMAIL", "NAME", "ROLE", "STATUS"
            );
            for row in users::model::list(&mut conn)? {
                let u = row.user;
                println!(
                    "{:<30} {:<24} {:<17} {:<8} {}",
                    u.email,
                    u.name,
                    u.role().map_or("?", Role::label),
                    if u.active { "active" } else { "inactive" },
                    u.last_sign_in_at.map_or_else(
                        || "never".to_owned(),
                        |t| t.format("%Y-%m-%d %H:%M UTC").to_string()
                    ),
                );
            }
        }
    }
    Ok(())
}

fn token_command(config: &Config, action: TokenCommand) -> anyhow::Result<()> {
    use diesel::OptionalExtension as _;
    use patron::stores::model::{self as stores, tokens};
    let database = Database::open(config)?;
    let mut conn = database.migrated()?;
    let actor = Actor::System("command line");
    match action {
        TokenCommand::Create { store, label } => {
            let code = store.trim().to_uppercase();
            let label = label.trim();
            if label.is_empty() || label.chars().count() > 80 {
                anyhow::bail!("the label must have 1 to 80 characters");
            }
            let store = stores::find_by_code(&mut conn, &code)?
                .with_context(|| format!("no store has the code {code}"))?;
            if !store.active {
                anyhow::bail!(
                    "store {code} is deactivated: the API refuses its tokens; reactivate it first"
                );
            }
            let issued = tokens::create(&mut conn, store.id, label, &actor)?;
            println!(
                "Created terminal token {} for store {} ({}). It is shown only this once:",
                issued.row.id, store.code, issued.row.label
            );
            println!("Token: {}", issued.secret);
        }
        TokenCommand::Revoke { id } => {
            let before = tokens::find(&mut conn, id)
                .optional()?
                .with_context(|| format!("no terminal token has the id {id}"))?;
            let store = stores::find(&mut conn, before.store_id)?;
            if let Some(at) = before.revoked_at {
                println!(
                    "Token {id} ({}, store {}) was already revoked on {}; nothing changed.",
                    before.label,
                    store.code,
                    at.format("%Y-%m-%d %H:%M UTC")
                );
            } else {
                tokens::revoke(&mut conn, id, &actor)?;
                println!(
                    "Revoked token {id} ({}, store {}): its till's calls are refused from now on.",
                    before.label, store.code
                );
            }
        }
    }
    Ok(())
}
