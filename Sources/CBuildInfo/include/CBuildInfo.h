#ifndef OUTRIDER_CBUILDINFO_H
#define OUTRIDER_CBUILDINFO_H
/// The git commit the binary was built from (first 12 hex digits), or "unknown".
const char *outrider_git_commit(void);
#endif
