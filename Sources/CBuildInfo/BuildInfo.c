#include "CBuildInfo.h"

#ifndef OUTRIDER_GIT_COMMIT
#define OUTRIDER_GIT_COMMIT "unknown"
#endif

const char *outrider_git_commit(void) { return OUTRIDER_GIT_COMMIT; }
