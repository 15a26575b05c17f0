/* export_yaml.h — json-c documents as a YAML stream (libyaml's emitter). */
#ifndef STK_EXPORT_YAML_H
#define STK_EXPORT_YAML_H

#include <json-c/json.h>
#include <stdbool.h>

#include "util.h"

/* Each element of the array docs as one YAML document, appended to out.
 * False if the emitter failed (out then holds a partial stream). */
bool stk_export_yaml(json_object *docs, struct stk_buf *out);

#endif
