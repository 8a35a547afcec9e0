//! `nianbao`: converts 政府信息公开工作年度报告 between formats and the canonical JSON model,
//! validates them, and shows what it read. The binary parses arguments and prints; the work is
//! done by `nianbao-convert`.

#[macro_use]
mod out;
mod batch;
mod convert;
mod info;
mod inspect;
mod serve;
mod shared;
mod validate;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit statuses, one table for every command (the README has it too).
pub mod status {
    /// Done; for `validate`, no rule broken.
    pub const OK: u8 = 0;
    /// `validate`: a rule is broken or a template row is missing.
    pub const FINDINGS: u8 = 1;
    /// A file could not be read or written, or is not a report (a batch goes on past it).
    pub const FAILED: u8 = 2;
    /// `validate`: no report had statistics tables, so nothing was checked.
    pub const NOTHING_TO_CHECK: u8 = 3;
    /// The command line cannot be carried out (bad arguments, unknown format or option,
    /// an output that would replace an input, binary output to a terminal); nothing was read.
    pub const USAGE: u8 = 64;
    /// Standard output was closed by its reader (`| head`): what a program killed by SIGPIPE
    /// reports.
    pub const BROKEN_PIPE: u8 = 141;
}

const AFTER_HELP: &str = "\
Formats come from --from/--to, else file extensions, else the content. JSON (the canonical report \
model) is built in; every other format is a plugin: `nianbao plugins` lists them and their options.

Exit status: 0 ok; 1 validate found problems; 2 a file could not be read or written; 3 validate \
had nothing to check; 64 usage error (nothing was read); 141 output pipe closed.";

#[derive(Parser)]
#[command(
    name = "nianbao",
    version,
    about = "Convert, validate and inspect 政府信息公开工作年度报告 (government information disclosure annual reports)",
    after_help = AFTER_HELP,
    arg_required_else_help = true,
    subcommand_required = false
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Print the formats that can be read, one a line, and exit.
    #[arg(long)]
    list_input_formats: bool,
    /// Print the formats that can be written, one a line, and exit.
    #[arg(long)]
    list_output_formats: bool,
    #[command(flatten)]
    verbosity: Verbosity,
    /// Use this plugin for every format it handles, before any other that claims the same
    /// format (repeatable; `nianbao plugins` lists them).
    #[arg(long = "plugin", value_name = "NAME", global = true)]
    plugins: Vec<String>,
}

#[derive(Args, Clone, Copy)]
pub struct Verbosity {
    /// Say what is done to each file, and print the readers' and recognition's notes.
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Print errors only: no warnings, notes or summaries.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

/// Options every command that reads takes.
#[derive(Args)]
pub struct ReadArgs {
    /// Input format (json, text, html, docx, xlsx, pdf, … or an extension); else from each
    /// file's extension, else from its content.
    #[arg(short = 'f', long, value_name = "FORMAT")]
    pub from: Option<String>,
    /// A plugin option, KEY=VALUE (repeatable); `nianbao plugins` lists each plugin's keys.
    #[arg(short = 'O', long = "option", value_name = "KEY=VALUE")]
    pub options: Vec<String>,
    /// Refuse an input larger than this many MiB (standard input included).
    #[arg(long, value_name = "MB", default_value_t = nianbao_convert::MAX_INPUT_MB)]
    pub max_input_mb: u64,
}

impl ReadArgs {
    /// The bytes of an input, within --max-input-mb.
    pub fn input(&self, path: &std::path::Path) -> Result<Vec<u8>, nianbao_convert::Error> {
        nianbao_convert::read_input_limited(path, self.max_input_mb.saturating_mul(1 << 20))
    }
}

/// What one file may cost; a file over a limit is reported and the others go on.
#[derive(Args, Clone, Copy)]
pub struct LimitArgs {
    /// Seconds one file may take to read and write; past it, its worker process is killed.
    #[arg(long, value_name = "SECS", default_value_t = nianbao_convert::worker::DEFAULT_TIMEOUT_SECS as f64)]
    pub timeout: f64,
    /// Memory (address space) of each worker process in MB; 0 for no limit.
    #[arg(long, value_name = "MB", default_value_t = nianbao_convert::worker::DEFAULT_MAX_MEMORY_MB)]
    pub max_memory: u64,
}

impl LimitArgs {
    pub fn limits(&self) -> Result<nianbao_convert::worker::Limits, nianbao_convert::Error> {
        if !(self.timeout > 0.0 && self.timeout.is_finite()) {
            return Err(nianbao_convert::Error::usage(format!(
                "--timeout {}: expected a number of seconds above 0",
                self.timeout
            )));
        }
        Ok(nianbao_convert::worker::Limits {
            timeout: std::time::Duration::from_secs_f64(self.timeout),
            max_memory: (self.max_memory > 0).then_some(self.max_memory << 20),
        })
    }
}

#[derive(Subcommand)]
enum Command {
    /// Convert reports between formats (and to or from the JSON model).
    ///
    /// Any input is read into the report model; any output is written in the official
    /// layout. With several inputs or a folder, -o names a folder: each file gets the output
    /// format's extension, files found in a folder keep their path below it, and a file that
    /// fails is reported while the others go on. Several reports go to standard output only as
    /// JSON Lines (--to json). No output may replace an input unless --force.
    Convert {
        /// Input files, or folders (searched recursively for files of a readable format);
        /// `-` reads standard input.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
        /// Output file, folder (for several inputs), or `-` for standard output (also for
        /// binary formats, which are not written to a terminal otherwise).
        #[arg(short, long, value_name = "PATH")]
        output: Option<PathBuf>,
        /// Output format (a name or an extension); defaults to the output file's extension.
        #[arg(short = 't', long, value_name = "FORMAT")]
        to: Option<String>,
        #[command(flatten)]
        read: ReadArgs,
        /// A font file for writers that embed fonts (PDF); same as -O font=PATH.
        #[arg(long, value_name = "PATH")]
        font: Option<PathBuf>,
        /// Write even where an output would replace an input.
        #[arg(long)]
        force: bool,
        /// Record where each cell's value was printed (page and box, sheet and cell, …) in the
        /// tables' `provenance`.
        #[arg(long)]
        provenance: bool,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Convert many reports into one dataset (Parquet, CSV, XLSX or JSON Lines) for pandas,
    /// R or DuckDB.
    ///
    /// Inputs are files, folders (searched recursively for files of a readable format) and
    /// quoted patterns ('reports/**/*.pdf'). Each file is read in a worker process, several at
    /// once; one that fails, crashes or hangs is a row in `reports` with its error, and the
    /// batch goes on. A killed run is continued with --resume; --shard I/N takes a
    /// deterministic share of the inputs (by a hash of each path) for array jobs, and --merge
    /// joins the shards' datasets. Exit status: 0 all converted, 1 some failed, 2 nothing
    /// could be done, 64 usage, 130 interrupted (resumable).
    Batch {
        /// Input files, folders or patterns; with --merge, the datasets to join.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
        /// The dataset to write: a folder (Parquet, CSV) or a file (.xlsx, .jsonl).
        #[arg(short, long, value_name = "OUT", required = true)]
        output: PathBuf,
        /// Dataset format: parquet, csv, xlsx or jsonl; defaults to OUT's extension, else
        /// parquet.
        #[arg(short = 't', long, value_name = "FORMAT")]
        to: Option<String>,
        /// Worker processes converting at once; defaults to the number of cores.
        #[arg(short = 'j', long, value_name = "N")]
        jobs: Option<usize>,
        /// Continue an interrupted run of this command: the inputs done are not done again.
        #[arg(long, conflicts_with = "merge")]
        resume: bool,
        /// Take the I-th of N shares of the inputs (1 ≤ I ≤ N), chosen by a hash of each
        /// input's path as given.
        #[arg(long, value_name = "I/N", conflicts_with = "merge")]
        shard: Option<String>,
        /// Join the datasets given as inputs (the shards' outputs) into OUT.
        #[arg(long)]
        merge: bool,
        /// Leave out where each cell was printed (the `source_*` columns of `cells`).
        #[arg(long)]
        no_provenance: bool,
        #[command(flatten)]
        read: ReadArgs,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// A worker process: converts the files its parent sends (see nianbao_convert::worker).
    #[command(name = "__worker", hide = true)]
    Worker {
        /// The input limit of the command that started it, in MiB.
        #[arg(long, default_value_t = nianbao_convert::MAX_INPUT_MB)]
        max_input_mb: u64,
    },
    /// Check the consistency rules (勾稽关系) and completeness of reports.
    ///
    /// Exit status: 0 when no rule is broken, 1 when there are findings, 2 when a file could
    /// not be read, 3 when no report has statistics tables (nothing was checked). Two reports
    /// of one agency for consecutive years are also checked against each other.
    Validate {
        /// Report files in any readable format; `-` reads standard input.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Print the results as JSON: one entry per file (unreadable ones included) and per
        /// pair of consecutive years.
        #[arg(long)]
        json: bool,
        /// The older spelling of --json.
        #[arg(long, value_enum, hide = true)]
        format: Option<OutputFormat>,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Show the document a reader made of a file, and what recognition made of that.
    Inspect {
        /// The file to inspect; `-` reads standard input.
        file: PathBuf,
        /// Print {"format", "document", "report", "notes"} as JSON.
        #[arg(long)]
        json: bool,
        /// The name standard input goes by: in messages, and for its format by extension
        /// (`nianbao serve` reads uploads so).
        #[arg(long, value_name = "NAME")]
        stdin_name: Option<String>,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// List the plugins found, where they were looked for, what each reads and writes, and
    /// the options each takes.
    Plugins {
        /// Print the list as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Start the clerk's web page on this machine: open or start a report, edit it with the
    /// 勾稽 rules checked as you type, see where each number was printed, download it.
    Serve {
        /// The port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 8718)]
        port: u16,
        /// Listen on this address instead of 127.0.0.1. The page has no login: anyone who can
        /// reach the address can use it.
        #[arg(long, value_name = "ADDR")]
        listen: Option<std::net::IpAddr>,
        /// The largest upload, in MiB.
        #[arg(long, value_name = "MB", default_value_t = 50)]
        max_upload_mb: u64,
        /// How long reading one upload may take, in seconds; it is read in a child process that
        /// is stopped then.
        #[arg(long, value_name = "SECS", default_value_t = 30)]
        timeout: u64,
        /// The memory (address space) the child reading an upload may take, in MiB.
        #[arg(long, value_name = "MB", default_value_t = 2048)]
        max_memory_mb: u64,
    },
    /// Print the JSON Schema of the report model.
    Schema,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `nianbao man > nianbao.1`.
    Man,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    Text,
    Json,
}

fn main() -> ExitCode {
    // The child that opens new plugin libraries for discovery, so that one that crashes while
    // loading takes only this child down (see `nianbao_convert::Host::discover_probing`).
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == nianbao_convert::PROBE_COMMAND) {
        let paths: Vec<PathBuf> = args[2..].iter().map(PathBuf::from).collect();
        return ExitCode::from(nianbao_convert::probe_main(&paths) as u8);
    }
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            use clap::error::ErrorKind::*;
            return ExitCode::from(match e.kind() {
                DisplayHelp | DisplayVersion => status::OK,
                _ => status::USAGE,
            });
        }
    };
    let v = cli.verbosity;
    shared::prefer_plugins(cli.plugins);
    let code = if cli.list_input_formats || cli.list_output_formats {
        info::list_formats(cli.list_input_formats, cli.list_output_formats)
    } else {
        match cli.command {
            Some(Command::Convert { inputs, output, to, read, font, force, provenance, limits }) => {
                let args = convert::Args { inputs, output, to, read, font, force, provenance, limits };
                convert::run(&args, v)
            }
            Some(Command::Batch { inputs, output, to, jobs, resume, shard, merge, no_provenance, read, limits }) => {
                let args = batch::Args { inputs, output, to, jobs, resume, shard, merge, no_provenance, read, limits };
                batch::run(&args, v)
            }
            Some(Command::Worker { max_input_mb }) => match shared::discover()
                .map_err(|e| std::io::Error::other(e.message))
                .and_then(|host| nianbao_convert::worker::serve(&host, max_input_mb.saturating_mul(1 << 20)))
            {
                Ok(()) => status::OK,
                Err(e) => {
                    errln!("error: worker: {e}");
                    status::FAILED
                }
            },
            Some(Command::Validate { files, json, format, read }) => {
                validate::run(&files, json || format == Some(OutputFormat::Json), &read, v)
            }
            Some(Command::Inspect { file, json, stdin_name, read }) => inspect::run(&file, json, stdin_name, &read, v),
            Some(Command::Plugins { json }) => info::plugins(json),
            Some(Command::Serve { port, listen, max_upload_mb, timeout, max_memory_mb }) => {
                serve::run(port, listen, max_upload_mb, timeout, max_memory_mb)
            }
            Some(Command::Schema) => info::schema(),
            Some(Command::Completions { shell }) => info::completions(shell, &mut Cli::command()),
            Some(Command::Man) => info::man(Cli::command()),
            None => {
                let _ = Cli::command().print_help();
                status::USAGE
            }
        }
    };
    out::flush();
    ExitCode::from(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent_and_every_argument_has_help() {
        let cmd = Cli::command();
        cmd.clone().debug_assert();
        fn check(cmd: &clap::Command, path: &str) {
            for arg in cmd.get_arguments() {
                let builtin = matches!(arg.get_id().as_str(), "help" | "version");
                assert!(builtin || arg.get_help().is_some(), "`{path}`: no help for {}", arg.get_id());
            }
            for sub in cmd.get_subcommands() {
                assert!(sub.get_about().is_some(), "`{path} {}` has no description", sub.get_name());
                check(sub, &format!("{path} {}", sub.get_name()));
            }
        }
        check(&cmd, "nianbao");
    }
}
