<?php

declare(strict_types=1);

namespace Siteverify\Tests\Integration\Support;

use Siteverify\Integration\Symfony\Siteverify;

/** A form model as a Symfony application writes it, the constraint as an attribute. */
final class ContactForm
{
    #[Siteverify]
    public mixed $captchaToken = null;

    public ?string $message = null;
}
