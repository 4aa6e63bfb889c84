#ifndef OUTRIDER_CYAML_SHIM_H
#define OUTRIDER_CYAML_SHIM_H
#include <yaml.h>
#endif
