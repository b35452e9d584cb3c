/*
 * paths: where wallflower keeps things. Every path can be overridden, so that several
 * instances run side by side in tests (DESIGN.md, "Processes").
 */
#ifndef WALLFLOWER_PATHS_H
#define WALLFLOWER_PATHS_H

#define PATHS_STATE_ENV "WALLFLOWER_STATE_DIR"

/*
 * The state directory, first found of: override (--state-dir), $WALLFLOWER_STATE_DIR,
 * $XDG_DATA_HOME/wallflower (absolute XDG_DATA_HOME only, as the XDG spec demands),
 * $HOME/.local/share/wallflower. *out is a fresh string. 0; -ENOENT when none applies
 * (no HOME); -ENOMEM.
 */
int paths_state_dir(const char *override, char **out) __attribute__((warn_unused_result));

#endif
