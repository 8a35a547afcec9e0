//! `nianbao`: converts 政府信息公开工作年度报告 between formats and the canonical JSON model,
//! validates them, and shows what it read. The binary only wires the library crates together.

mod commands;
mod io;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "nianbao",
    version,
    about = "Convert, validate and inspect 政府信息公开工作年度报告 (government information disclosure annual reports)"
)]
#[command(
    after_help = "Formats come from file extensions or content; JSON (the canonical report model) is built in, every other format is a plugin (see `nianbao plugins`)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Convert reports between formats (and to or from the JSON model).
    ///
    /// Any input is read into the report model; any output is written in the official
    /// layout. With several inputs, -o names a directory and each file gets the --to extension;
    /// a file that fails is reported and the others go on.
    Convert {
        /// Input files; `-` reads standard input.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Output file, `-` for standard output, or a directory for several inputs.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Input format (a format name or extension: json, txt, html, docx, xlsx, pdf, …).
        #[arg(long)]
        from: Option<String>,
        /// Output format; defaults to the output file's extension.
        #[arg(long)]
        to: Option<String>,
        /// A plugin option, KEY=VALUE (repeatable).
        #[arg(short = 'O', long = "option", value_name = "KEY=VALUE")]
        options: Vec<String>,
        /// A font file for writers that embed fonts (PDF); same as -O font=PATH.
        #[arg(long, value_name = "PATH")]
        font: Option<PathBuf>,
    },
    /// Check the consistency rules (勾稽关系) of reports.
    ///
    /// Exit status: 0 when no rule is broken, 1 when there are findings, 2 when a file could
    /// not be read. Two reports of one agency for consecutive years are also checked against
    /// each other.
    Validate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
        /// Input format, when extensions and content do not tell.
        #[arg(long)]
        from: Option<String>,
    },
    /// Show the document a reader made of a file, and what recognition made of that.
    Inspect {
        file: PathBuf,
        /// Print {"document", "report", "notes"} as JSON.
        #[arg(long)]
        json: bool,
        #[arg(long)]
        from: Option<String>,
        /// A plugin option, KEY=VALUE (repeatable).
        #[arg(short = 'O', long = "option", value_name = "KEY=VALUE")]
        options: Vec<String>,
    },
    /// List the plugins found, where, and what each reads and writes.
    Plugins {
        #[arg(long)]
        json: bool,
    },
    /// Print the JSON Schema of the report model.
    Schema,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Convert { inputs, output, from, to, options, font } => {
            commands::convert(&inputs, output.as_deref(), from.as_deref(), to.as_deref(), &options, font.as_deref())
        }
        Command::Validate { files, format, from } => {
            commands::validate(&files, format == OutputFormat::Json, from.as_deref())
        }
        Command::Inspect { file, json, from, options } => commands::inspect(&file, json, from.as_deref(), &options),
        Command::Plugins { json } => commands::plugins(json),
        Command::Schema => commands::schema(),
    };
    ExitCode::from(code)
}
