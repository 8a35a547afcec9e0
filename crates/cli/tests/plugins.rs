//! The plugin host: discovery, a plugin of another ABI version, a plugin that panics.

mod common;
use common::*;

#[test]
fn plugins_beside_the_binary_are_listed_with_what_they_do() {
    let home = tmp();
    let o = run(nianbao(home.path()).arg("plugins"));
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(out.contains("text      read  write   .txt"), "{out}");
    assert!(out.contains("beside the binary"), "{out}");
    let o = run(nianbao(home.path()).args(["plugins", "--json"]));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let text = v["plugins"].as_array().unwrap().iter().find(|p| p["name"] == "text").unwrap();
    assert_eq!(text["formats"][0]["read"], true);
    assert!(text["formats"][0]["extensions"].as_array().unwrap().iter().any(|e| e == "txt"));
}

#[test]
fn a_plugin_of_another_abi_version_is_refused_by_name_and_the_host_keeps_working() {
    let home = tmp();
    let lib = built_lib("future_abi_plugin");
    let o = run(nianbao(home.path()).arg("plugins").env("NIANBAO_PLUGIN_PATH", &lib));
    let out = stdout(&o);
    assert!(
        out.contains("refused:") && out.contains("`from-the-future` 9.9.9") && out.contains("ABI version 999"),
        "{out}"
    );
    let o = run(nianbao(home.path())
        .arg("convert")
        .arg(seed("001"))
        .args(["--to", "json"])
        .env("NIANBAO_PLUGIN_PATH", &lib));
    assert!(o.status.success());
    assert!(
        stderr(&o).contains("warning: ignoring plugin") && stderr(&o).contains("from-the-future"),
        "{}",
        stderr(&o)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["meta"]["year"], 2021);
}

#[test]
fn a_panicking_plugin_is_an_error_and_the_batch_goes_on() {
    let home = tmp();
    let dir = tmp();
    let lib = built_lib("panicky_plugin");
    let boom = dir.path().join("x.boom");
    std::fs::write(&boom, b"anything").unwrap();
    let out = dir.path().join("out");
    let o = run(nianbao(home.path())
        .arg("convert")
        .arg(&boom)
        .arg(seed("001"))
        .args(["--to", "json", "-o"])
        .arg(&out)
        .env("NIANBAO_PLUGIN_PATH", &lib));
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("x.boom") && e.contains("crashed") && e.contains("index out of bounds"), "{e}");
    assert!(e.contains("converted 1 of 2 files"), "{e}");
    assert!(out.join("001_2d75f7f597d72c01.json").exists());
    // The writer's panic too.
    let o = run(nianbao(home.path())
        .arg("convert")
        .arg(seed("001"))
        .arg("-o")
        .arg(dir.path().join("y.boom"))
        .env("NIANBAO_PLUGIN_PATH", &lib));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("the panicky writer gave up"), "{}", stderr(&o));
    assert!(!dir.path().join("y.boom").exists());
}

#[test]
fn a_document_of_another_major_version_is_refused_by_name() {
    let home = tmp();
    let dir = tmp();
    let file = dir.path().join("x.futuredoc");
    std::fs::write(&file, b"anything").unwrap();
    let o = run(nianbao(home.path())
        .arg("convert")
        .arg(&file)
        .args(["--to", "json"])
        .env("NIANBAO_PLUGIN_PATH", built_lib("panicky_plugin")));
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("x.futuredoc") && e.contains("plugin `panicky`") && e.contains("version 2.0"), "{e}");
    assert!(e.contains("reads version 1.x"), "{e}");
}

#[test]
fn plugins_come_from_the_plugin_path_and_the_user_folder_never_the_current_directory() {
    let home = tmp();
    let cwd = tmp();
    let lib = built_lib("panicky_plugin");
    std::fs::copy(&lib, cwd.path().join("libnianbao_panicky.so")).unwrap();
    let listed = |cmd: &mut std::process::Command| stdout(&run(cmd.arg("plugins"))).contains("plugin panicky");
    assert!(!listed(nianbao(home.path()).current_dir(cwd.path())), "the current directory is not searched");
    assert!(listed(nianbao(home.path()).env("NIANBAO_PLUGIN_PATH", cwd.path())));
    let user = home.path().join("data/nianbao/plugins");
    std::fs::create_dir_all(&user).unwrap();
    std::fs::copy(&lib, user.join("libnianbao_panicky.so")).unwrap();
    let out = stdout(&run(nianbao(home.path()).arg("plugins")));
    assert!(out.contains("plugin panicky") && out.contains("(user folder)"), "{out}");
}

#[test]
fn declarations_are_cached_and_read_again_when_a_library_changes() {
    let home = tmp();
    let user = home.path().join("data/nianbao/plugins");
    std::fs::create_dir_all(&user).unwrap();
    let lib = user.join("libnianbao_x.so");
    std::fs::copy(built_lib("panicky_plugin"), &lib).unwrap();
    assert!(stdout(&run(nianbao(home.path()).arg("plugins"))).contains("plugin panicky"));
    let cache = home.path().join("cache/nianbao/plugins-abi2.json");
    let cached = std::fs::read_to_string(&cache).expect("the cache is written");
    assert!(cached.contains("panicky") && cached.contains("nianbao_text"), "{cached}");
    // From the cache: listed the same, and a conversion opens the text plugin when it needs it.
    assert!(stdout(&run(nianbao(home.path()).arg("plugins"))).contains("plugin panicky"));
    assert_eq!(to_json(home.path(), &seed("001"))["meta"]["year"], 2021);
    // Replaced by a library of another ABI: read again, and refused.
    std::fs::copy(built_lib("future_abi_plugin"), &lib).unwrap();
    let out = stdout(&run(nianbao(home.path()).arg("plugins")));
    assert!(!out.contains("plugin panicky") && out.contains("refused:") && out.contains("from-the-future"), "{out}");
    // A refusal is cached too and still reported.
    let o = run(nianbao(home.path()).arg("convert").arg(seed("001")).args(["--to", "json"]));
    assert!(o.status.success() && stderr(&o).contains("from-the-future"), "{}", stderr(&o));
}
