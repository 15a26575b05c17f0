/* edit_distance.h — the closest name, for every "did you mean" hint of the
 * compiler and the tables' suggest functions. */
#ifndef STK_EDIT_DISTANCE_H
#define STK_EDIT_DISTANCE_H

#include <stdbool.h>
#include <stddef.h>

/* The one rule for "did you mean": a candidate equal to the name but for
 * case wins at once ("READ" -> "read"); otherwise the candidate with the
 * fewest edits (Levenshtein distance), at most STK_CLOSEST_MAX_EDITS, ties going to the first one
 * offered; otherwise none. */
#define STK_CLOSEST_MAX_EDITS 2u

struct stk_closest {
    const char *name; /* the unknown name */
    const char *best; /* the closest candidate so far, or NULL */
    unsigned dist;    /* its distance (0 for a match but for case) */
    bool exact;       /* best matches name but for case */
    unsigned cap;     /* the most edits a candidate may need (STK_CLOSEST_MAX_EDITS by default) */
};

/* Start a search for name; offer every candidate in turn; read .best. */
void stk_closest_init(struct stk_closest *c, const char *name);
void stk_closest_offer(struct stk_closest *c, const char *candidate);
/* The same search allowing up to cap edits (long names: a constant's misspelt suffix). */
void stk_closest_init_cap(struct stk_closest *c, const char *name, unsigned cap);

/* The closest of known[0..n) to name by the rule above, or NULL. */
const char *stk_closest_name(const char *name, const char *const *known, size_t n);

#endif
