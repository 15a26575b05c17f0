/* edit_distance.h — Levenshtein distance between two names, for the
 * "did you mean" hints of the compiler and the tables' suggest functions. */
#ifndef STK_EDIT_DISTANCE_H
#define STK_EDIT_DISTANCE_H

/* Levenshtein distance, capped: returns cap+1 when larger (and for names
 * longer than 64 bytes). */
unsigned stk_edit_distance(const char *a, const char *b, unsigned cap);

#endif
