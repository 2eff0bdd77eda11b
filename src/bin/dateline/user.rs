use clap::{Args, Subcommand};
use dateline::{
    accounts::{hash_password, one_time_password},
    config::Config,
    services::open_store,
};
use dateline_core::{Email, Role, Text};
use dateline_store::{NewUser, StoreError};

use crate::DataDir;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a staff account and print its one-time password.
    Add(AddArgs),
}

#[derive(Args)]
pub struct AddArgs {
    /// The person's email address; they sign in with it.
    email: String,
    /// contributor, author, editor or admin.
    #[arg(long)]
    role: String,
    /// The name shown in the newsroom (default: the address's local part).
    #[arg(long)]
    name: Option<String>,
    #[command(flatten)]
    pub(crate) data: DataDir,
}

pub async fn run(command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add(args) => add(args).await,
    }
}

async fn add(args: AddArgs) -> anyhow::Result<()> {
    let email = Email::parse(&args.email)?;
    let role = Role::parse(&args.role)?;
    let name = args.name.unwrap_or_else(|| {
        email
            .as_str()
            .split('@')
            .next()
            .unwrap_or_default()
            .to_owned()
    });
    let name = Text::parse("name", &dateline_core::clean_text(&name), 200)?;
    let config = Config::load(&args.data.data)?;
    let store = open_store(&config, &args.data.data).await?;
    let password = one_time_password();
    let new = NewUser {
        email,
        name,
        role,
        password_hash: hash_password(password.clone()).await?,
        must_change_password: true,
    };
    let created = store.create_user(&new, jiff::Timestamp::now()).await;
    store.close().await;
    match created {
        Ok(id) => {
            println!(
                "Added {} ({role}) as user {id}.\nOne-time password: {password}\n\
                 Give it to them privately; they sign in at {}/admin/sign-in.",
                new.email.as_str(),
                config.site.base()
            );
            Ok(())
        }
        Err(StoreError::Conflict { .. }) => {
            anyhow::bail!("{} already has an account", new.email.as_str())
        }
        Err(e) => Err(e.into()),
    }
}
