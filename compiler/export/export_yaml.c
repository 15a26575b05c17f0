/* export_yaml.c — a json-c document written as YAML through libyaml's
 * emitter (the Kubernetes export): mappings, sequences and scalars, strings
 * that would read back as another type quoted, multi-line text as a literal
 * block. */
#include "export/export_yaml.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static int write_cb(void *data, unsigned char *buf, size_t size)
{
    stk_buf_put(data, buf, size);
    return 1;
}

/* A string a YAML reader would take for a number, a boolean or null. */
static bool ambiguous(const char *s)
{
    static const char *const words[] = {"", "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False",
                                        "FALSE", "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off",
                                        "Off", "OFF", "y", "Y", "n", "N"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strcmp(s, words[i]) == 0)
            return true;
    char *end;
    (void)strtod(s, &end);
    return *end == '\0' || ((s[0] == '.' || s[0] == '-' || s[0] == '+') && strchr("iInN", s[1]) && s[1]);
}

static bool scalar(yaml_emitter_t *e, const char *s, bool plain_ok)
{
    yaml_event_t ev;
    yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;
    if (!plain_ok)
        style = strchr(s, '\n') ? YAML_LITERAL_SCALAR_STYLE : YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    return yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), plain_ok, 1,
                                        style) &&
           yaml_emitter_emit(e, &ev);
}

static bool node(yaml_emitter_t *e, json_object *o)
{
    yaml_event_t ev;
    switch (json_object_get_type(o)) {
    case json_type_object:
        if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE) ||
            !yaml_emitter_emit(e, &ev))
            return false;
        json_object_object_foreach(o, k, v)
        {
            if (!scalar(e, k, !ambiguous(k)) || !node(e, v))
                return false;
        }
        return yaml_mapping_end_event_initialize(&ev) && yaml_emitter_emit(e, &ev);
    case json_type_array:
        if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE) ||
            !yaml_emitter_emit(e, &ev))
            return false;
        for (size_t i = 0; i < json_object_array_length(o); i++)
            if (!node(e, json_object_array_get_idx(o, i)))
                return false;
        return yaml_sequence_end_event_initialize(&ev) && yaml_emitter_emit(e, &ev);
    case json_type_string: {
        const char *s = json_object_get_string(o);
        return scalar(e, s, !ambiguous(s) && !strchr(s, '\n'));
    }
    case json_type_null: return scalar(e, "null", true);
    default: return scalar(e, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), true);
    }
}

bool stk_export_yaml(json_object *docs, struct stk_buf *out)
{
    yaml_emitter_t e;
    yaml_event_t ev;
    if (!yaml_emitter_initialize(&e))
        return false;
    yaml_emitter_set_output(&e, write_cb, out);
    yaml_emitter_set_unicode(&e, 1);
    yaml_emitter_set_width(&e, 120);
    bool ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) && yaml_emitter_emit(&e, &ev);
    for (size_t i = 0; ok && i < json_object_array_length(docs); i++) {
        ok = yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 0) && yaml_emitter_emit(&e, &ev) &&
             node(&e, json_object_array_get_idx(docs, i)) && yaml_document_end_event_initialize(&ev, 1) &&
             yaml_emitter_emit(&e, &ev);
    }
    ok = ok && yaml_stream_end_event_initialize(&ev) && yaml_emitter_emit(&e, &ev) && yaml_emitter_flush(&e);
    yaml_emitter_delete(&e);
    return ok;
}
