//! A test plugin built "for another ABI version": it exports the declaration symbol with only the
//! fields every version keeps (version, name, plugin version) and an ABI version of 999. The
//! host must refuse it by name without touching anything else.

use std::ffi::c_char;

#[repr(C)]
pub struct Declaration {
    abi_version: u32,
    name: *const c_char,
    version: *const c_char,
}

struct Static(Declaration);
// Points at static strings only.
unsafe impl Sync for Static {}

static DECL: Static =
    Static(Declaration { abi_version: 999, name: c"from-the-future".as_ptr(), version: c"9.9.9".as_ptr() });

#[no_mangle]
pub extern "C" fn nianbao_plugin_declaration() -> *const Declaration {
    &DECL.0
}
