<?php

/**
 * `Siteverify\Native`, the old name of {@see \Siteverify\Abi}: the same class,
 * kept so that code written against 0.1 still runs.
 *
 * @deprecated use Siteverify\Abi (it holds the C ABI's constants, not calls)
 */

declare(strict_types=1);

namespace Siteverify;

class_alias(Abi::class, Native::class);
