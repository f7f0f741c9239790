#pragma once
#include <stdint.h>
void spin_lock_claim_mask(uint32_t lock_num_mask);
