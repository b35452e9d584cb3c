/*
 * paths: where wallflower keeps things. Every path can be overridden, so that several
 * instances run side by side in tests (DESIGN.md, "Processes").
 */
#ifndef WALLFLOWER_PATHS_H
#define WALLFLOWER_PATHS_H

#define PATHS_STATE_ENV   "WALLFLOWER_STATE_DIR"
#define PATHS_RUNTIME_ENV "WALLFLOWER_RUNTIME_DIR"
#define PATHS_CTL_SOCKET  "ctl" /* the control socket, in the runtime directory */
/* wallflower-ui's files in the runtime directory: its address and token (0600), a page
 * that leads a browser there (0600; opened instead of the address, which would show in a
 * command line), and the lock its one copy holds while it runs. */
#define PATHS_UI_INFO "ui.json"
#define PATHS_UI_OPEN "ui.html"
#define PATHS_UI_LOCK "wallflower-ui.lock"

/*
 * The state directory, first found of: override (--state-dir), $WALLFLOWER_STATE_DIR,
 * $XDG_DATA_HOME/wallflower (absolute XDG_DATA_HOME only, as the XDG spec demands),
 * $HOME/.local/share/wallflower. *out is a fresh string. 0; -ENOENT when none applies
 * (no HOME); -ENOMEM.
 */
int paths_state_dir(const char *override, char **out) __attribute__((warn_unused_result));

/*
 * The runtime directory (the daemon's control socket lives there), first found of:
 * override (--runtime-dir), $WALLFLOWER_RUNTIME_DIR, $XDG_RUNTIME_DIR/wallflower (absolute
 * only). *out is a fresh string. 0; -ENOENT when none applies; -ENOMEM.
 */
int paths_runtime_dir(const char *override, char **out) __attribute__((warn_unused_result));

#endif
