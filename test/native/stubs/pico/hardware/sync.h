#pragma once
#include <stdint.h>
#include <stdbool.h>
int spin_lock_claim_unused(bool required);
