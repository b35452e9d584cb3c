/*
 * sibling: where the other programs of wallflower are, for the one that runs them (the CLI
 * runs wallflowerd, wallflower-ui and wallflower-notify; those two run the CLI). One rule
 * for all of them, so that an installed copy, a build tree and the tests (which set the
 * environment variables) find the same programs whichever one looks.
 */
#ifndef WALLFLOWER_SIBLING_H
#define WALLFLOWER_SIBLING_H

/*
 * Where program name is: $env when it is set and not empty (taken as it is, unchecked);
 * else name beside the running program (/proc/self/exe's directory); else
 * ../build_dir/name from there, as a build tree has each program in a directory of src/.
 * 0 with *path (the caller frees); -ENOENT when neither of the two is an executable
 * regular file (the caller decides: a search of PATH, or a refusal); -ENOMEM.
 */
int sibling_find(const char *env, const char *name, const char *build_dir, char **path)
        __attribute__((warn_unused_result));

#endif
