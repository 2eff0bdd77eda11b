use clap::Subcommand;
use dateline::config::Config;

use crate::DataDir;

#[derive(Subcommand)]
pub enum ConfigCommand {
    /// Load the configuration as `serve` would and print it, secrets hidden.
    Check(DataDir),
}

pub fn run(command: ConfigCommand) -> anyhow::Result<()> {
    match command {
        ConfigCommand::Check(args) => {
            let mut config = Config::load(&args.data)?;
            config.apply_listen(None);
            print!("{}", config.to_redacted_toml());
            Ok(())
        }
    }
}
